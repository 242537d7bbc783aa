window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "sawtjazira64@example.invalid",
      "createdVia" : "web",
      "username" : "SawtJazira64",
      "accountId" : "777552764729569285",
      "createdAt" : "2016-09-18T17:00:00.000Z",
      "accountDisplayName" : "سيف الموصل"
    }
  }
]