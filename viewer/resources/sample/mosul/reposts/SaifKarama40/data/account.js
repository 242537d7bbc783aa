window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "saifkarama40@example.invalid",
      "createdVia" : "web",
      "username" : "SaifKarama40",
      "accountId" : "773732592645763076",
      "createdAt" : "2016-09-08T04:00:00.000Z",
      "accountDisplayName" : "فجر الحدباء"
    }
  }
]