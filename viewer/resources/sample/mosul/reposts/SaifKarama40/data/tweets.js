window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "795008897358467078"
          ],
          "editableUntil" : "2016-11-05T22:04:26.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/download/android\" rel=\"nofollow\">Twitter for Android</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "Mosul",
            "indices" : [
              "38",
              "44"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/SaifKarama40/status/795008897358467078/photo/1",
            "indices" : [
              "45",
              "68"
            ],
            "url" : "https://t.co/sJYdi6zl3o",
            "media_url" : "http://pbs.twimg.com/media/CwhwOjhr8AChT_w.png",
            "id_str" : "795008729587904512",
            "id" : "795008729587904512",
            "media_url_https" : "https://pbs.twimg.com/media/CwhwOjhr8AChT_w.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/sJYdi6zl3o",
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
        "44"
      ],
      "favorite_count" : "6",
      "id_str" : "795008897358467078",
      "truncated" : false,
      "retweet_count" : "23",
      "id" : "795008897358467078",
      "possibly_sensitive" : false,
      "created_at" : "Sat Nov 05 21:04:26 +0000 2016",
      "favorited" : false,
      "full_text" : "The poster they don't want you to see #Mosul https://t.co/sJYdi6zl3o",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/SaifKarama40/status/795008897358467078/photo/1",
            "indices" : [
              "45",
              "68"
            ],
            "url" : "https://t.co/sJYdi6zl3o",
            "media_url" : "http://pbs.twimg.com/media/CwhwOjhr8AChT_w.png",
            "id_str" : "795008729587904512",
            "id" : "795008729587904512",
            "media_url_https" : "https://pbs.twimg.com/media/CwhwOjhr8AChT_w.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/sJYdi6zl3o",
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