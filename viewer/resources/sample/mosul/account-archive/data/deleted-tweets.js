window.YTD.deleted_tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "884949758634172418"
          ],
          "editableUntil" : "2017-07-12T02:37:18.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://about.twitter.com/products/tweetdeck\" rel=\"nofollow\">TweetDeck</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "Mosul",
            "indices" : [
              "86",
              "92"
            ]
          },
          {
            "text" : "MosulOffensive",
            "indices" : [
              "93",
              "108"
            ]
          },
          {
            "text" : "FreeMosul",
            "indices" : [
              "109",
              "119"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "119"
      ],
      "favorite_count" : "96",
      "id_str" : "884949758634172418",
      "truncated" : false,
      "retweet_count" : "19",
      "id" : "884949758634172418",
      "created_at" : "Wed Jul 12 01:37:18 +0000 2017",
      "favorited" : false,
      "full_text" : "Thousands of families fleeing Islah al-Zirai toward Khazir camp. Conditions are grim. #Mosul #MosulOffensive #FreeMosul",
      "lang" : "en",
      "deleted_at" : "Thu Jul 13 08:11:30 +0000 2017"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "884508068585472000"
          ],
          "editableUntil" : "2017-07-10T21:22:11.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "Freemosul",
            "indices" : [
              "27",
              "37"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "37"
      ],
      "favorite_count" : "255",
      "id_str" : "884508068585472000",
      "truncated" : false,
      "retweet_count" : "84",
      "id" : "884508068585472000",
      "created_at" : "Mon Jul 10 20:22:11 +0000 2017",
      "favorited" : false,
      "full_text" : "Victory declared in Mosul. #Freemosul",
      "lang" : "en",
      "deleted_at" : "Wed Jul 12 16:41:07 +0000 2017"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "877524430943547399"
          ],
          "editableUntil" : "2017-06-21T14:51:42.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://about.twitter.com/products/tweetdeck\" rel=\"nofollow\">TweetDeck</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "الموصل",
            "indices" : [
              "87",
              "94"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "94"
      ],
      "favorite_count" : "54",
      "id_str" : "877524430943547399",
      "truncated" : false,
      "retweet_count" : "9",
      "id" : "877524430943547399",
      "created_at" : "Wed Jun 21 13:51:42 +0000 2017",
      "favorited" : false,
      "full_text" : "No news from the Old City since yesterday. يا رب سلّم. Pray for the civilians of Mosul #الموصل",
      "lang" : "en",
      "deleted_at" : "Wed Jun 21 23:53:34 +0000 2017"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "874606980318199808"
          ],
          "editableUntil" : "2017-06-13T13:38:48.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "نينوى",
            "indices" : [
              "48",
              "54"
            ]
          },
          {
            "text" : "تحرير_الموصل",
            "indices" : [
              "55",
              "68"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "68"
      ],
      "favorite_count" : "39",
      "id_str" : "874606980318199808",
      "truncated" : false,
      "retweet_count" : "13",
      "id" : "874606980318199808",
      "created_at" : "Tue Jun 13 12:38:48 +0000 2017",
      "favorited" : false,
      "full_text" : "أول صلاه جمعه في حي الإصلاح الزراعي بعد التحرير #نينوى #تحرير_الموصل",
      "lang" : "ar",
      "deleted_at" : "Wed Jun 14 03:18:49 +0000 2017"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "858756017312829447"
          ],
          "editableUntil" : "2017-04-30T19:52:44.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "80"
      ],
      "favorite_count" : "453",
      "id_str" : "858756017312829447",
      "truncated" : false,
      "retweet_count" : "74",
      "id" : "858756017312829447",
      "created_at" : "Sun Apr 30 18:52:44 +0000 2017",
      "favorited" : false,
      "full_text" : "وصول تعزيزات عسكرية إلى محور مطار الموصل استعداداً لاقتحام أحياء جديدة في الموصل",
      "lang" : "ar",
      "deleted_at" : "Wed May 03 15:26:46 +0000 2017"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "818743737325543426"
          ],
          "editableUntil" : "2017-01-10T09:58:13.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://about.twitter.com/products/tweetdeck\" rel=\"nofollow\">TweetDeck</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "نينوى",
            "indices" : [
              "61",
              "67"
            ]
          },
          {
            "text" : "داعش",
            "indices" : [
              "68",
              "73"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/RamiNadhim_IQ/status/818743737325543426/photo/1",
            "indices" : [
              "74",
              "97"
            ],
            "url" : "https://t.co/XHzSl2K488",
            "media_url" : "http://pbs.twimg.com/media/C1zClR944AAh5bg.png",
            "id_str" : "818743178008518656",
            "id" : "818743178008518656",
            "media_url_https" : "https://pbs.twimg.com/media/C1zClR944AAh5bg.png",
            "sizes" : {
              "small" : {
                "w" : "240",
                "h" : "160",
                "resize" : "fit"
              },
              "large" : {
                "w" : "240",
                "h" : "160",
                "resize" : "fit"
              },
              "medium" : {
                "w" : "240",
                "h" : "160",
                "resize" : "fit"
              },
              "thumb" : {
                "w" : "150",
                "h" : "150",
                "resize" : "crop"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/XHzSl2K488"
          }
        ]
      },
      "display_text_range" : [
        "0",
        "97"
      ],
      "favorite_count" : "154",
      "id_str" : "818743737325543426",
      "truncated" : false,
      "retweet_count" : "52",
      "id" : "818743737325543426",
      "possibly_sensitive" : false,
      "created_at" : "Tue Jan 10 08:58:13 +0000 2017",
      "favorited" : false,
      "full_text" : "تحدثت مع عائلة مشت ٧ كم من حي العدل طوال الليل. الأطفال حفاة #نينوى #داعش https://t.co/XHzSl2K488",
      "lang" : "ar",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/RamiNadhim_IQ/status/818743737325543426/photo/1",
            "indices" : [
              "74",
              "97"
            ],
            "url" : "https://t.co/XHzSl2K488",
            "media_url" : "http://pbs.twimg.com/media/C1zClR944AAh5bg.png",
            "id_str" : "818743178008518656",
            "id" : "818743178008518656",
            "media_url_https" : "https://pbs.twimg.com/media/C1zClR944AAh5bg.png",
            "sizes" : {
              "small" : {
                "w" : "240",
                "h" : "160",
                "resize" : "fit"
              },
              "large" : {
                "w" : "240",
                "h" : "160",
                "resize" : "fit"
              },
              "medium" : {
                "w" : "240",
                "h" : "160",
                "resize" : "fit"
              },
              "thumb" : {
                "w" : "150",
                "h" : "150",
                "resize" : "crop"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/XHzSl2K488"
          }
        ]
      },
      "deleted_at" : "Fri Jan 13 01:23:15 +0000 2017"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "810426960536829957"
          ],
          "editableUntil" : "2016-12-18T11:10:19.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "العراق",
            "indices" : [
              "91",
              "98"
            ]
          },
          {
            "text" : "الموصل",
            "indices" : [
              "99",
              "106"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "106"
      ],
      "favorite_count" : "82",
      "id_str" : "810426960536829957",
      "truncated" : false,
      "retweet_count" : "21",
      "id" : "810426960536829957",
      "created_at" : "Sun Dec 18 10:10:19 +0000 2016",
      "favorited" : false,
      "full_text" : "6 عجلات مفخخة استهدفت القطعات المتقدمة قرب حمام العليل، ومصدر أمني يؤكد تدميرها قبل وصولها #العراق #الموصل",
      "lang" : "ar",
      "deleted_at" : "Tue Dec 20 13:34:29 +0000 2016"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "803879035905335297"
          ],
          "editableUntil" : "2016-11-30T09:31:12.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://about.twitter.com/products/tweetdeck\" rel=\"nofollow\">TweetDeck</a>",
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "133"
      ],
      "favorite_count" : "50",
      "id_str" : "803879035905335297",
      "truncated" : false,
      "retweet_count" : "27",
      "id" : "803879035905335297",
      "created_at" : "Wed Nov 30 08:31:12 +0000 2016",
      "favorited" : false,
      "full_text" : "جندي شاب من البصرة قال لي: أول مرة أرى الْمَوْصِل، وأتمنى أن أراها بلا حرب | لا إنترنت تقريباً في القيارة، سأنشر التحديثات حين أستطيع",
      "lang" : "ar",
      "deleted_at" : "Wed Nov 30 12:45:50 +0000 2016"
    }
  }
]