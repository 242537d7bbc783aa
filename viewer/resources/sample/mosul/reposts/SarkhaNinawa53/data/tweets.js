window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "795002017027596291"
          ],
          "editableUntil" : "2016-11-05T21:37:05.000Z",
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
              "8",
              "31"
            ]
          },
          {
            "text" : "نينوى",
            "indices" : [
              "32",
              "38"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/SarkhaNinawa53/status/795002017027596291/photo/1",
            "indices" : [
              "39",
              "62"
            ],
            "url" : "https://t.co/zbjsHDsKbH",
            "media_url" : "http://pbs.twimg.com/media/Cwhp-ESKoAKUoDM.png",
            "id_str" : "795001849253634050",
            "id" : "795001849253634050",
            "media_url_https" : "https://pbs.twimg.com/media/Cwhp-ESKoAKUoDM.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/zbjsHDsKbH",
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
        "38"
      ],
      "favorite_count" : "26",
      "id_str" : "795002017027596291",
      "truncated" : false,
      "retweet_count" : "6",
      "id" : "795002017027596291",
      "possibly_sensitive" : false,
      "created_at" : "Sat Nov 05 20:37:05 +0000 2016",
      "favorited" : false,
      "full_text" : "لن نسكت #انقذوا_الموصل_من_الحشد #نينوى https://t.co/zbjsHDsKbH",
      "lang" : "ar",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/SarkhaNinawa53/status/795002017027596291/photo/1",
            "indices" : [
              "39",
              "62"
            ],
            "url" : "https://t.co/zbjsHDsKbH",
            "media_url" : "http://pbs.twimg.com/media/Cwhp-ESKoAKUoDM.png",
            "id_str" : "795001849253634050",
            "id" : "795001849253634050",
            "media_url_https" : "https://pbs.twimg.com/media/Cwhp-ESKoAKUoDM.png",
            "type" : "photo",
            "display_url" : "pic.twitter.com/zbjsHDsKbH",
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