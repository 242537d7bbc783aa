window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "rami.nadhim@example.org",
      "createdVia" : "web",
      "username" : "RamiNadhim_IQ",
      "accountId" : "286962102",
      "createdAt" : "2011-04-03T10:14:28.157Z",
      "accountDisplayName" : "Rami Nadhim | رامي ناظم"
    }
  }
]