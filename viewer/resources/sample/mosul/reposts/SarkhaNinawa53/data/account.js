window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "sarkhaninawa53@example.invalid",
      "createdVia" : "web",
      "username" : "SarkhaNinawa53",
      "accountId" : "763812224826294272",
      "createdAt" : "2016-08-11T19:00:00.000Z",
      "accountDisplayName" : "فجر الموصل"
    }
  }
]