window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "795017219081568257"
          ],
          "editableUntil" : "2016-11-05T22:37:30.000Z",
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
              "18",
              "25"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/DifaKarama17/status/795017219081568257/photo/1",
            "indices" : [
              "26",
              "49"
            ],
            "url" : "https://t.co/K9u6KygHNX",
            "media_url" : "http://pbs.twimg.com/media/Cwh3y8W98AL6GVQ.png",
            "id_str" : "795017051310518274",
            "id" : "795017051310518274",
            "media_url_https" : "https://pbs.twimg.com/media/Cwh3y8W98AL6GVQ.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/K9u6KygHNX",
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
        "25"
      ],
      "favorite_count" : "0",
      "id_str" : "795017219081568257",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "795017219081568257",
      "possibly_sensitive" : false,
      "created_at" : "Sat Nov 05 21:37:30 +0000 2016",
      "favorited" : false,
      "full_text" : "انشرها في كل مكان #الموصل https://t.co/K9u6KygHNX",
      "lang" : "ar",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/DifaKarama17/status/795017219081568257/photo/1",
            "indices" : [
              "26",
              "49"
            ],
            "url" : "https://t.co/K9u6KygHNX",
            "media_url" : "http://pbs.twimg.com/media/Cwh3y8W98AL6GVQ.png",
            "id_str" : "795017051310518274",
            "id" : "795017051310518274",
            "media_url_https" : "https://pbs.twimg.com/media/Cwh3y8W98AL6GVQ.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/K9u6KygHNX",
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