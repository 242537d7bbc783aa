window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "ghadabhadbaa26@example.invalid",
      "createdVia" : "web",
      "username" : "GhadabHadbaa26",
      "accountId" : "775302940065034245",
      "createdAt" : "2016-09-12T12:00:00.000Z",
      "accountDisplayName" : "ليث الأمة"
    }
  }
]