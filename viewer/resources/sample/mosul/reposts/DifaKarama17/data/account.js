window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "difakarama17@example.invalid",
      "createdVia" : "web",
      "username" : "DifaKarama17",
      "accountId" : "784181442770255876",
      "createdAt" : "2016-10-07T00:00:00.000Z",
      "accountDisplayName" : "نداء السنة"
    }
  }
]