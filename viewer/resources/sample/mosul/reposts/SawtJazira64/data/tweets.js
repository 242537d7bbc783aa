window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "794978731154821127"
          ],
          "editableUntil" : "2016-11-05T20:04:34.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/download/android\" rel=\"nofollow\">Twitter for Android</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "انقذوا_الموصل_من_الحشد",
            "indices" : [
              "41",
              "64"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/SawtJazira64/status/794978731154821127/photo/1",
            "indices" : [
              "65",
              "88"
            ],
            "url" : "https://t.co/vvuznmBOBg",
            "media_url" : "http://pbs.twimg.com/media/CwhUypproAImaH4.png",
            "id_str" : "794978563381764098",
            "id" : "794978563381764098",
            "media_url_https" : "https://pbs.twimg.com/media/CwhUypproAImaH4.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/vvuznmBOBg",
            "sizes" : {
              "large" : {
                "w" : "240",
                "h" : "160",
                "resize" : "fit"
              }
            }
          }
        ]
      },
      "display_text_range" : [
        "0",
        "64"
      ],
      "favorite_count" : "32",
      "id_str" : "794978731154821127",
      "truncated" : false,
      "retweet_count" : "24",
      "id" : "794978731154821127",
      "possibly_sensitive" : false,
      "created_at" : "Sat Nov 05 19:04:34 +0000 2016",
      "favorited" : false,
      "full_text" : "الحشد على أبواب الموصل، انشروا قبل الحذف #انقذوا_الموصل_من_الحشد https://t.co/vvuznmBOBg",
      "lang" : "ar",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/SawtJazira64/status/794978731154821127/photo/1",
            "indices" : [
              "65",
              "88"
            ],
            "url" : "https://t.co/vvuznmBOBg",
            "media_url" : "http://pbs.twimg.com/media/CwhUypproAImaH4.png",
            "id_str" : "794978563381764098",
            "id" : "794978563381764098",
            "media_url_https" : "https://pbs.twimg.com/media/CwhUypproAImaH4.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/vvuznmBOBg",
            "sizes" : {
              "large" : {
                "w" : "240",
                "h" : "160",
                "resize" : "fit"
              }
            }
          }
        ]
      }
    }
  }
]