window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "794985267960655873"
          ],
          "editableUntil" : "2016-11-05T20:30:32.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/download/android\" rel=\"nofollow\">Twitter for Android</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "الموصل",
            "indices" : [
              "33",
              "40"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/GhadabHadbaa26/status/794985267960655873/photo/1",
            "indices" : [
              "41",
              "64"
            ],
            "url" : "https://t.co/avQIqwmtki",
            "media_url" : "http://pbs.twimg.com/media/CwhavJJ8oADFwAc.png",
            "id_str" : "794985100188884992",
            "id" : "794985100188884992",
            "media_url_https" : "https://pbs.twimg.com/media/CwhavJJ8oADFwAc.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/avQIqwmtki",
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
        "40"
      ],
      "favorite_count" : "31",
      "id_str" : "794985267960655873",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "794985267960655873",
      "possibly_sensitive" : false,
      "created_at" : "Sat Nov 05 19:30:32 +0000 2016",
      "favorited" : false,
      "full_text" : "شاهدوا ماذا ينتظر أهلنا في نينوى #الموصل https://t.co/avQIqwmtki",
      "lang" : "ar",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/GhadabHadbaa26/status/794985267960655873/photo/1",
            "indices" : [
              "41",
              "64"
            ],
            "url" : "https://t.co/avQIqwmtki",
            "media_url" : "http://pbs.twimg.com/media/CwhavJJ8oADFwAc.png",
            "id_str" : "794985100188884992",
            "id" : "794985100188884992",
            "media_url_https" : "https://pbs.twimg.com/media/CwhavJJ8oADFwAc.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/avQIqwmtki",
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