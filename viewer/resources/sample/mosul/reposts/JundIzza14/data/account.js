window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "jundizza14@example.invalid",
      "createdVia" : "web",
      "username" : "JundIzza14",
      "accountId" : "774714059784081414",
      "createdAt" : "2016-09-10T21:00:00.000Z",
      "accountDisplayName" : "سيف الحق"
    }
  }
]