window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "794993368714477569"
          ],
          "editableUntil" : "2016-11-05T21:02:44.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/download/android\" rel=\"nofollow\">Twitter for Android</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "SaveMosul",
            "indices" : [
              "45",
              "55"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/JundIzza14/status/794993368714477569/photo/1",
            "indices" : [
              "56",
              "79"
            ],
            "url" : "https://t.co/hkwJcrgJw3",
            "media_url" : "http://pbs.twimg.com/media/CwhiGq0ZQAaxYbo.png",
            "id_str" : "794993200943677446",
            "id" : "794993200943677446",
            "media_url_https" : "https://pbs.twimg.com/media/CwhiGq0ZQAaxYbo.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/hkwJcrgJw3",
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
        "55"
      ],
      "favorite_count" : "6",
      "id_str" : "794993368714477569",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "794993368714477569",
      "possibly_sensitive" : false,
      "created_at" : "Sat Nov 05 20:02:44 +0000 2016",
      "favorited" : false,
      "full_text" : "Look what awaits Mosul if the militias enter #SaveMosul https://t.co/hkwJcrgJw3",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/JundIzza14/status/794993368714477569/photo/1",
            "indices" : [
              "56",
              "79"
            ],
            "url" : "https://t.co/hkwJcrgJw3",
            "media_url" : "http://pbs.twimg.com/media/CwhiGq0ZQAaxYbo.png",
            "id_str" : "794993200943677446",
            "id" : "794993200943677446",
            "media_url_https" : "https://pbs.twimg.com/media/CwhiGq0ZQAaxYbo.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/hkwJcrgJw3",
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