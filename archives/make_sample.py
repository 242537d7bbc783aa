#!/usr/bin/env python3
"""Generate the bundled sample archive: "Mosul, October 2016 - July 2017".

Everything this script writes is invented: every account, every name, every
word of every post, every picture.  Nothing was scraped or copied.  It only
imitates the *shape* of two real formats (see DESIGN.md section 3 and 9):

  mosul/account-archive/   an X/Twitter account archive (unpacked), as
                           downloaded from X in 2023, of one fictional
                           front-line reporter
  mosul/search-harvest.jsonl.gz
                           a twarc2 (Twitter API v2) full-archive search
                           harvest, one response page a line
  mosul/events.json        the five turning points of the offensive

written by default into viewer/resources/sample/mosul/, the package data the
program ships and imports on first launch.

Standard library only.  Deterministic: a fixed seed, no clock, no set
iteration, gzip with mtime=0.  Running it twice gives byte-identical output
(with the same Python and zlib).

    python archives/make_sample.py [--out DIR] [--quiet]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import gzip
import html
import itertools
import json
import math
import random
import re
import shutil
import struct
import sys
import urllib.parse
import zlib
from pathlib import Path

SEED = 20161017
HERE = Path(__file__).resolve().parent
# The package data the program reads through importlib.resources.
DEFAULT_OUT = HERE.parent / "viewer" / "resources" / "sample" / "mosul"

# --------------------------------------------------------------------------
# sizes of the sample
# --------------------------------------------------------------------------
N_ARCHIVE = 900          # posts in data/tweets.js (the reporter's own)
N_DELETED = 8            # posts in data/deleted-tweets.js
N_HARVEST = 5500         # posts in the harvest's "data"
N_OVERLAP = 300          # reporter posts present in both
N_REPORTER_PHOTO_POSTS = 44   # reporter originals carrying generated PNGs
N_REPORTER_PHOTO_RTS = 12     # reporter retweets of photo posts (PNG too)
PAGE_SIZE = 100

START = dt.datetime(2016, 10, 16, tzinfo=dt.timezone.utc)
END = dt.datetime(2017, 7, 16, tzinfo=dt.timezone.utc)      # exclusive
TW_EPOCH = 1288834974657

# (onset UTC, amplitude, rise days, fall days, key, title, text)
EVENTS = [
    (dt.datetime(2016, 10, 17, 1, 0, tzinfo=dt.timezone.utc), 15.0, 0.6, 4.0, "ev1",
     "Offensive to retake Mosul begins",
     "Iraqi forces, Kurdish Peshmerga and allied units open the offensive on "
     "Mosul from several axes. (Fictional sample: the posts around this date "
     "are invented.)"),
    (dt.datetime(2017, 1, 24, 11, 0, tzinfo=dt.timezone.utc), 9.0, 0.6, 2.5, "ev2",
     "East Mosul retaken",
     "The eastern half of the city, the left bank of the Tigris, is declared "
     "fully retaken after about three months of fighting."),
    (dt.datetime(2017, 2, 19, 3, 0, tzinfo=dt.timezone.utc), 8.0, 0.6, 3.0, "ev3",
     "West Mosul offensive begins",
     "The offensive on the western half of the city, the right bank, begins "
     "with an advance on the airport from the south."),
    (dt.datetime(2017, 6, 21, 18, 30, tzinfo=dt.timezone.utc), 9.0, 0.5, 2.5, "ev4",
     "al-Nuri mosque destroyed",
     "The Great Mosque of al-Nuri and its leaning minaret, al-Hadba, are "
     "destroyed in the Old City."),
    (dt.datetime(2017, 7, 10, 11, 0, tzinfo=dt.timezone.utc), 12.0, 0.6, 3.0, "ev5",
     "Victory declared in Mosul",
     "The Iraqi government declares Mosul retaken after almost nine months of "
     "fighting."),
]

# --------------------------------------------------------------------------
# accounts (all fictional)
# --------------------------------------------------------------------------
# key, username, display name, role, activity, (ar, en, mixed), followers,
# created (date), location, description
ACCOUNTS = [
    ("reporter", "RamiNadhim_IQ", "Rami Nadhim | رامي ناظم", "reporter", 0, (0.50, 0.38, 0.12), 48200,
     "2011-04-03", "Erbil, Iraq",
     "Freelance reporter covering Nineveh. Front-line updates in Arabic & English. مراسل ميداني مستقل #Mosul"),
    ("intellectual", "NabilYaqoubi", "د. نبيل اليعقوبي | Nabil Yaqoubi", "intellectual", 1.2, (0.45, 0.40, 0.15), 121000,
     "2010-09-14", "Baghdad",
     "Historian of Mosul and the Jazira. Writer. مؤرخ وكاتب، الموصل في القلب"),
    ("tigris", "TigrisWire", "Tigris Wire", "outlet", 6.0, (0.15, 0.80, 0.05), 210000,
     "2012-02-01", "Baghdad - Erbil", "Independent news from the Tigris valley. Breaking news, maps, long reads."),
    ("ninawanow", "NinawaNow", "نينوى الآن", "outlet", 7.0, (0.95, 0.0, 0.05), 88000,
     "2014-06-12", "نينوى", "أخبار نينوى والموصل على مدار الساعة #الموصل"),
    ("iraqdesk", "IraqDesk24", "Iraq Desk 24", "outlet", 4.0, (0.35, 0.60, 0.05), 64000,
     "2013-03-20", "Iraq", "Iraq news, 24/7. English & Arabic. أخبار العراق"),
    ("nahrain", "NahrainBulletin", "نشرة النهرين", "outlet", 4.0, (0.95, 0.0, 0.05), 35000,
     "2015-01-08", "بغداد", "نشرة إخبارية مستقلة"),
    ("ashdown", "claire_ashdown", "Claire Ashdown", "journalist", 2.5, (0.0, 0.95, 0.05), 23000,
     "2009-11-02", "Erbil", "Reporter. Middle East. Opinions my own."),
    ("torvald", "mtorvald", "Magnus Torvald", "journalist", 1.5, (0.0, 1.0, 0.0), 15400,
     "2010-05-19", "Oslo / Erbil", "Photographer. Conflict, displacement, people."),
    ("okonkwo", "JuliaOkonkwo", "Julia Okonkwo", "journalist", 2.0, (0.0, 0.95, 0.05), 19800,
     "2012-08-30", "London", "Correspondent. Iraq & Syria. DMs open."),
    ("devereux", "h_devereux", "Henri Devereux", "journalist", 1.5, (0.0, 0.95, 0.05), 9100,
     "2011-01-15", "Paris", "Grand reporter. Irak, Syrie."),
    ("sethi", "KaranSethi_sec", "Karan Sethi", "analyst", 2.0, (0.0, 1.0, 0.0), 30500,
     "2013-10-04", "Washington, DC", "Security analyst. Urban warfare, Iraq. Threads."),
    ("whitcombe", "pwhitcombe", "Paul Whitcombe", "analyst", 2.0, (0.0, 1.0, 0.0), 12700,
     "2014-02-11", "UK", "Maps the front lines so you don't have to."),
    ("rebwar", "AramRebwar", "Aram Rebwar | ئارام ڕێبوار", "journalist", 2.0, (0.35, 0.55, 0.10), 14300,
     "2012-12-01", "Sulaymaniyah", "Journalist. Kurdistan & Nineveh plains."),
    ("qassab", "ziad_qassab", "زياد القصاب", "journalist", 2.5, (0.9, 0.0, 0.1), 27600,
     "2011-07-07", "الموصل", "صحفي موصلي. الموصل أولاً"),
    ("taei", "HindTaei", "هند الطائي", "journalist", 2.0, (0.9, 0.05, 0.05), 18900,
     "2012-05-23", "بغداد", "صحفية. شؤون عراقية"),
    ("obeidi", "Muhannad_Obeidi", "مهند العبيدي", "journalist", 2.0, (0.6, 0.3, 0.1), 11200,
     "2013-09-09", "أربيل", "مراسل | Reporter"),
    ("jubouri", "SaraJubouri_", "Sara al-Jubouri | سارة الجبوري", "resident", 1.6, (0.4, 0.3, 0.3), 6400,
     "2014-04-17", "Mosul / Erbil", "Mosul girl. Engineer. Still hopeful. موصلية"),
    ("basrawi", "HaidarBasrawi", "حيدر البصراوي", "supporter", 2.0, (0.95, 0.0, 0.05), 8800,
     "2015-03-03", "البصرة", "عراقي وأفتخر"),
    ("karbalai", "SajjadKarbalai", "سجاد الكربلائي", "supporter", 1.8, (1.0, 0.0, 0.0), 5100,
     "2014-09-27", "كربلاء", "العراق أولاً"),
    ("rafidain", "AsadAlRafidain", "أسد الرافدين", "supporter", 2.0, (0.95, 0.0, 0.05), 12400,
     "2015-06-30", "العراق", "جيشنا فخرنا"),
    ("mustafa", "Mustafa_IQArmy", "مصطفى | جيشنا فخرنا", "supporter", 1.6, (0.9, 0.0, 0.1), 4300,
     "2016-02-14", "بغداد", "أحب العراق"),
    ("weareiraq", "WeAreIraq_IQ", "We Are Iraq", "supporter", 1.6, (0.1, 0.8, 0.1), 17600,
     "2014-07-01", "Iraq", "One Iraq. All Iraqis. #Iraq"),
    ("noor", "noor_baghdadia", "نور البغدادية", "supporter", 1.4, (0.7, 0.1, 0.2), 3900,
     "2013-12-12", "بغداد", "بغدادية، والموصل بالقلب"),
    ("nasiri", "Ali_Nasiriya", "علي الناصري", "supporter", 1.4, (1.0, 0.0, 0.0), 2100,
     "2015-10-10", "الناصرية", ""),
    ("london", "IraqiInLondon", "Zaid | Iraqi in London", "supporter", 1.2, (0.1, 0.8, 0.1), 2900,
     "2012-03-15", "London", "Iraqi. Londoner. Coffee."),
    ("ummyousif", "UmmYousif_M", "أم يوسف", "resident", 1.2, (1.0, 0.0, 0.0), 700,
     "2015-08-21", "الموصل", "أم لأربعة"),
    ("hadbawi", "OmarHadbawi", "عمر الحدباوي", "resident", 1.6, (0.9, 0.05, 0.05), 3300,
     "2013-06-05", "الموصل", "من الموصل وإليها"),
    ("student", "MosulStudent93", "طالب من جامعة الموصل", "resident", 1.4, (0.7, 0.2, 0.1), 1800,
     "2014-11-19", "الموصل", "هندسة مدنية، جامعة الموصل"),
    ("layal", "LayalMosuliya", "ليال الموصلية", "resident", 1.4, (0.75, 0.05, 0.2), 2600,
     "2015-05-05", "الموصل", "موصلية"),
    ("yunus", "YunusBooks", "Yunus | bookseller", "resident", 1.0, (0.5, 0.4, 0.1), 5200,
     "2012-10-10", "Mosul", "Books, old and new. Nabi Yunus street, Mosul. كتب"),
    ("rana", "DrRanaMedic", "Dr Rana | field medic", "ngo", 1.4, (0.4, 0.5, 0.1), 9700,
     "2013-01-29", "Nineveh plains", "Doctor. Trauma stabilisation point. طبيبة"),
    ("hamdani", "Bashar_Hamdani", "بشار الحمداني", "resident", 1.0, (1.0, 0.0, 0.0), 1200,
     "2014-03-08", "الحمدانية", ""),
    ("fatima", "FatimaAlZahra_N", "فاطمة", "resident", 0.9, (1.0, 0.0, 0.0), 650,
     "2016-01-01", "نينوى", "اللهم احفظ أهلي"),
    ("relief", "NinevehRelief", "Nineveh Relief Watch", "ngo", 2.2, (0.35, 0.6, 0.05), 15800,
     "2014-08-10", "Erbil", "Independent monitoring of displacement and aid in Nineveh. مرصد إنساني"),
    ("camps", "CampsMonitorIQ", "مرصد المخيمات", "ngo", 1.6, (1.0, 0.0, 0.0), 7300,
     "2015-02-02", "أربيل", "رصد أوضاع النازحين في المخيمات"),
    ("ahrar", "AhrarNinawa", "أحرار نينوى", "hashd_critic", 2.0, (1.0, 0.0, 0.0), 21000,
     "2014-10-01", "نينوى", "صوت نينوى الحرة"),
    ("saqr", "SaqrAlJazira", "صقر الجزيرة", "hashd_critic", 1.6, (1.0, 0.0, 0.0), 9600,
     "2013-04-04", "", "حر"),
    ("khalid", "KhalidHadbaa", "خالد الحدباء", "hashd_critic", 1.5, (0.95, 0.0, 0.05), 5400,
     "2012-09-09", "الموصل", "موصلي"),
    ("omar", "OmarMosuli_1", "عمر الموصلي", "hashd_critic", 1.3, (1.0, 0.0, 0.0), 3100,
     "2015-12-20", "تركيا", ""),
    ("voice", "Nineveh_Voice", "Voice of Nineveh", "hashd_critic", 1.2, (0.4, 0.5, 0.1), 6900,
     "2014-06-20", "Nineveh", "Nineveh's people, Nineveh's voice."),
    ("saif", "SaifAlSunna", "سيف السنة", "sectarian_s", 1.0, (1.0, 0.0, 0.0), 4700,
     "2015-07-07", "", ""),
    ("qalam", "QalamHurr77", "قلم حر", "sectarian_s", 0.9, (1.0, 0.0, 0.0), 2200,
     "2014-01-25", "", "أكتب ما أراه"),
    ("thaer", "ThaerHusseini", "ثائر الحسيني", "sectarian_sh", 1.0, (1.0, 0.0, 0.0), 5800,
     "2015-11-11", "", ""),
    ("zulfiqar", "Zulfiqar_1400", "ذو الفقار", "sectarian_sh", 0.9, (1.0, 0.0, 0.0), 3500,
     "2016-03-21", "العراق", ""),
    ("wahid", "IraqWahid", "عراق واحد", "unity", 1.4, (0.9, 0.0, 0.1), 13300,
     "2013-08-08", "العراق", "لا للطائفية. عراق واحد لكل العراقيين"),
    ("salam", "SalamForIraq", "Salam for Iraq", "unity", 1.0, (0.0, 0.9, 0.1), 7200,
     "2014-09-21", "", "Peace, reconciliation, one Iraq."),
    ("milwatch", "IQ_MilWatch", "رصد عسكري", "milwatch", 4.5, (0.95, 0.0, 0.05), 41000,
     "2014-07-15", "العراق", "رصد ميداني لحظة بلحظة"),
    ("maps", "FrontlineMapsIQ", "Frontline Maps IQ", "milwatch", 3.0, (0.0, 0.95, 0.05), 26000,
     "2015-04-01", "", "Maps of the Iraqi front lines. Updated daily. #Mosul"),
    ("zainab", "ZainabAli_Bgd", "زينب علي", "general", 1.0, (1.0, 0.0, 0.0), 1500,
     "2014-05-05", "بغداد", ""),
    ("harlowe", "TomHarlowe", "Tom Harlowe", "general", 1.0, (0.0, 1.0, 0.0), 2400,
     "2010-02-02", "Manchester", "Dad, runner, reads too much news."),
    ("samarrai", "AhmedSamarrai_", "أحمد السامرائي", "general", 1.1, (1.0, 0.0, 0.0), 2800,
     "2013-11-30", "سامراء", ""),
    ("rasha", "Rasha_Yasin", "رشا ياسين", "general", 1.0, (0.95, 0.0, 0.05), 1900,
     "2015-09-15", "", "طالبة طب"),
    ("frost", "DanielleFrost", "Danielle Frost", "general", 0.9, (0.0, 1.0, 0.0), 3600,
     "2011-06-06", "Toronto", "Humanitarian. Coffee. Cats."),
    ("duri", "GhassanDuri", "غسان الدوري", "general", 1.1, (0.6, 0.3, 0.1), 4100,
     "2012-04-14", "عمّان", "مهندس | Engineer"),
    ("khayat", "LinaKhayat", "Lina Khayat | لينا الخياط", "general", 1.2, (0.4, 0.35, 0.25), 5600,
     "2013-02-22", "Beirut", "Writer. بين لغتين"),
    ("waleed", "Waleed_Mawsili", "وليد", "general", 1.0, (1.0, 0.0, 0.0), 900,
     "2016-05-05", "الموصل", ""),
    ("ortiz", "sam_ortiz_photo", "Sam Ortiz", "journalist", 1.2, (0.0, 1.0, 0.0), 8300,
     "2012-11-11", "Erbil / Madrid", "Photojournalist."),
    ("history", "MosulHistory", "تاريخ الموصل | Mosul History", "history", 1.2, (0.6, 0.3, 0.1), 19500,
     "2013-05-15", "الموصل", "صور وحكايات من تاريخ الموصل | Mosul's past, in pictures"),
]

ROLE_TOPICS = {
    "reporter": {"frontline": 0.50, "personal": 0.22, "civilians": 0.16, "analysis": 0.05, "celebration": 0.07},
    "intellectual": {"analysis": 0.55, "celebration": 0.15, "civilians": 0.2, "unity": 0.1},
    "outlet": {"frontline": 0.70, "civilians": 0.18, "celebration": 0.08, "analysis": 0.04},
    "journalist": {"frontline": 0.40, "personal": 0.1, "civilians": 0.30, "analysis": 0.20},
    "analyst": {"analysis": 0.65, "frontline": 0.35},
    "supporter": {"coming": 0.45, "celebration": 0.25, "frontline": 0.25, "hashd_defend": 0.05},
    "resident": {"civilians": 0.60, "celebration": 0.2, "frontline": 0.15, "hashd": 0.05},
    "ngo": {"civilians": 0.95, "analysis": 0.05},
    "hashd_critic": {"hashd": 0.70, "civilians": 0.2, "sect_s": 0.1},
    "sectarian_s": {"sect_s": 0.65, "hashd": 0.35},
    "sectarian_sh": {"sect_sh": 0.60, "coming": 0.3, "hashd_defend": 0.1},
    "unity": {"unity": 0.45, "celebration": 0.3, "civilians": 0.25},
    "milwatch": {"frontline": 0.9, "celebration": 0.1},
    "general": {"civilians": 0.3, "frontline": 0.3, "coming": 0.15, "celebration": 0.15, "analysis": 0.05, "unity": 0.05},
    "history": {"history": 0.55, "civilians": 0.15, "celebration": 0.15, "analysis": 0.15},
}

SOURCES = {
    "iphone": ("Twitter for iPhone", "http://twitter.com/download/iphone"),
    "android": ("Twitter for Android", "http://twitter.com/download/android"),
    "web": ("Twitter Web Client", "http://twitter.com"),
    "deck": ("TweetDeck", "https://about.twitter.com/products/tweetdeck"),
    "ipad": ("Twitter for iPad", "http://twitter.com/#!/download/ipad"),
}
ROLE_SOURCES = {
    "reporter": [("iphone", 0.7), ("deck", 0.2), ("web", 0.1)],
    "outlet": [("deck", 0.5), ("web", 0.2), ("own", 0.3)],
    "journalist": [("iphone", 0.5), ("deck", 0.3), ("web", 0.2)],
    "analyst": [("web", 0.5), ("deck", 0.3), ("iphone", 0.2)],
}
DEFAULT_SOURCES = [("android", 0.55), ("iphone", 0.3), ("web", 0.1), ("ipad", 0.05)]

OUTLET_DOMAINS = {
    "TigrisWire": "tigriswire.example.com",
    "NinawaNow": "ninawanow.example.net",
    "IraqDesk24": "iraqdesk24.example.org",
    "NahrainBulletin": "nahrain-bulletin.example.com",
    "NinevehRelief": "ninevehrelief.example.org",
}
OUTLET_APPS = {"TigrisWire": "Tigris Wire CMS", "NinawaNow": "NinawaNow App", "IraqDesk24": "IraqDesk Publisher",
               "NahrainBulletin": "Nahrain Newsroom"}
OTHER_DOMAINS = ["thedeskreview.example.com", "longform-iraq.example.net", "maps.frontline-iq.example.org",
                 "video.example.net", "blog.example.org"]

# --------------------------------------------------------------------------
# places, units, phrases
# --------------------------------------------------------------------------
EAST = [("Gogjali", "كوكجلي"), ("Karama", "الكرامة"), ("Samah", "السماح"), ("Intisar", "الانتصار"),
        ("Quds", "القدس"), ("Zahra", "الزهراء"), ("Muthanna", "المثنى"), ("Arbajiya", "العربجية"),
        ("Sukar", "السكر"), ("Nabi Yunus", "النبي يونس"), ("Zuhur", "الزهور"), ("Faisaliya", "الفيصلية"),
        ("Mithaq", "الميثاق"), ("Adl", "العدل"), ("Wahda", "الوحدة"), ("Hay al-Dubbat", "الضباط"),
        ("Sumer", "سومر"), ("Shurta", "الشرطة")]
WEST = [("Wadi Hajar", "وادي حجر"), ("Tayaran", "الطيران"), ("Mamoun", "المأمون"), ("Jawsaq", "الجوسق"),
        ("Dawasa", "الدواسة"), ("Bab al-Toub", "باب الطوب"), ("Nabi Shit", "النبي شيت"), ("Zanjili", "الزنجيلي"),
        ("Shifa", "الشفاء"), ("the Old City", "المدينة القديمة"), ("Yarmouk", "اليرموك"), ("Rajm Hadid", "رجم حديد"),
        ("Bab Sinjar", "باب سنجار"), ("Maidan", "الميدان"), ("Islah al-Zirai", "الإصلاح الزراعي"),
        ("Mosul al-Jadida", "الموصل الجديدة"), ("Thawra", "الثورة"), ("Farouq", "الفاروق")]
OUTER = [("Bartella", "برطلة"), ("Qaraqosh", "قره قوش"), ("Bashiqa", "بعشيقة"), ("Hammam al-Alil", "حمام العليل"),
         ("Shura", "الشورى"), ("Tel Kaif", "تلكيف"), ("Qayyarah", "القيارة"), ("Khazir", "الخازر"),
         ("Hasansham", "حسن شام"), ("Badush", "بادوش"), ("Nimrud", "النمرود"), ("Bazwaya", "بازوايا")]
CAMPS = [("Khazir camp", "مخيم الخازر"), ("Hasansham camp", "مخيم حسن شام"), ("Jeddah camp", "مخيم الجدعة"),
         ("Hammam al-Alil camp", "مخيم حمام العليل"), ("Debaga camp", "مخيم ديبكة"), ("Qayyarah airstrip camp", "مخيم مطار القيارة")]
UNITS = [("the Iraqi army", "الجيش العراقي"), ("the Counter-Terrorism Service", "جهاز مكافحة الإرهاب"),
         ("the Federal Police", "الشرطة الاتحادية"), ("the Rapid Response Division", "الرد السريع"),
         ("the Peshmerga", "البيشمركة"), ("the 9th Division", "الفرقة التاسعة"), ("the 16th Division", "الفرقة السادسة عشرة")]
BUILDINGS = [("the hospital", "المستشفى"), ("a school", "مدرسة"), ("the police station", "مركز الشرطة"),
             ("the water plant", "محطة الماء"), ("the mosque", "الجامع"), ("the market", "السوق")]


def localtime(ms):
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc) + dt.timedelta(hours=3)


def t_phrases(ms):
    h = localtime(ms).hour
    if 4 <= h < 7:
        return ("dawn", "فجر اليوم")
    if 7 <= h < 12:
        return ("morning", "صباح اليوم")
    if 12 <= h < 17:
        return ("afternoon", "ظهر اليوم")
    if 17 <= h < 21:
        return ("evening", "مساء اليوم")
    return ("night", "الليلة")


# --------------------------------------------------------------------------
# templates (invented text).  Placeholders: {d_en}/{d_ar} district,
# {d2_*} a second district, {v_*} village/outer town, {c_*} camp, {u_*}
# unit, {u2_en}, {b_*} building, {n} 2-12, {n2} 2-9, {n3} thousands,
# {t_*} time of day, {hm} local HH:MM, {m} mention, {mr} the reporter,
# {url} a news link.
# --------------------------------------------------------------------------
T = {}
T["frontline"] = {
    "ar": [
        "عاجل: القوات العراقية تقتحم حي {d_ar} في الموصل وسط اشتباكات عنيفة مع عناصر داعش",
        "مصادر عسكرية: قوات {u_ar} تسيطر على حي {d_ar} بعد معارك استمرت {n} ساعات",
        "تقدم جديد لقوات {u_ar} على محور {v_ar} باتجاه الموصل",
        "اشتباكات متقطعة الآن على أطراف حي {d_ar}، وأصوات القصف مسموعة في عموم الموصل",
        "{t_ar}: رفع العلم العراقي فوق {b_ar} في حي {d_ar}",
        "القوات العراقية على بعد {n2} كم من مركز مدينة الموصل بحسب قيادة العمليات المشتركة",
        "{n2} عجلات مفخخة استهدفت القطعات المتقدمة قرب {v_ar}، ومصدر أمني يؤكد تدميرها قبل وصولها",
        "طيران التحالف يقصف مواقع لداعش قرب حي {d_ar}، وأعمدة الدخان تغطي سماء الموصل",
        "الوضع في حي {d_ar} هادئ نسبياً {t_ar} بعد ليلة من الاشتباكات",
        "القوات الأمنية تفتح ممراً آمناً لخروج العائلات من حي {d_ar} باتجاه {c_ar}",
        "استعادة السيطرة على {n2} قرى جديدة جنوب الموصل",
        "هدوء حذر يسود أحياء الساحل الأيسر، وحركة نزوح مستمرة",
        "الموصل الآن: حي {d_ar} تحت سيطرة القوات العراقية بالكامل",
        "حظر تجوال في حي {d_ar} ودعوات للأهالي بالبقاء في منازلهم",
        "القطعات العسكرية تتقدم نحو حي {d_ar} من ثلاثة محاور",
        "الساعة {hm} بتوقيت بغداد: دوي انفجارات قوية في حي {d_ar}",
        "قناصة داعش يعرقلون التقدم في حي {d_ar} بحسب ضابط ميداني",
        "قيادة {u_ar} تعلن تطهير حي {d_ar} والتوجه إلى حي {d2_ar}",
        "معارك شوارع في {d_ar}، والتقدم بطيء بسبب كثافة المدنيين",
        "مصدر في قيادة العمليات: لا صحة لأنباء انسحاب القوات من حي {d_ar}",
        "وصول تعزيزات عسكرية إلى محور {v_ar} استعداداً لاقتحام أحياء جديدة في الموصل",
        "خريطة السيطرة في الموصل: {d_ar} و{d2_ar} بيد القوات العراقية {url}",
        "فيديو: لحظة دخول القوات العراقية إلى حي {d_ar} {url}",
        "تفاصيل معارك اليوم في الموصل {url}",
    ],
    "en": [
        "BREAKING: Iraqi forces push into {d_en} district of Mosul, heavy clashes with ISIS reported",
        "{u_en} says it has retaken {d_en} after {n} hours of fighting #Mosul",
        "Clashes ongoing on the edge of {d_en}. Artillery audible across the city. #Mosul",
        "Coalition airstrikes hit ISIS positions near {d_en}; thick smoke over Mosul this {t_en}",
        "Iraqi troops now {n2} km from Mosul city centre, Joint Operations Command says",
        "{n2} car bombs targeted advancing units near {v_en} today, all destroyed before impact per security source",
        "Families leaving {d_en} through a corridor opened by {u_en}, heading to {c_en}",
        "Relative calm in {d_en} this {t_en} after a night of heavy fighting #Mosul",
        "{u_en} & {u2_en} advancing on {d_en} from three directions #Mosul",
        "Curfew declared in {d_en}; residents told to stay indoors. #Mosul",
        "Map update: {d_en} now marked as retaken. Front line moves ~{n2} km #Mosul",
        "Front line today: {d_en} -> {d2_en}. Slow, street by street. #Mosul",
        "Heavy fighting around {d_en} tonight. Tracer fire visible from {v_en}.",
        "Sniper fire slowing the advance in {d_en}, officers say. #Mosul",
        "ISIS claims counterattack in {d_en}; Iraqi command denies losing ground",
        "Reinforcements arriving at the {v_en} axis ahead of a push into new Mosul districts",
        "Mosul: {u_en} clears {d_en}, moves on {d2_en}",
        "Latest on the Mosul offensive: {d_en} retaken, fighting near {d2_en} {url}",
        "Video: Iraqi forces entering {d_en}, Mosul {url}",
        "Our map of control in Mosul, updated this {t_en} {url}",
        "Mosul offensive, day by day: what changed in {d_en} {url}",
    ],
    "mx": [
        "اشتباكات عنيفة في حي {d_ar} الآن #Mosul #Iraq",
        "Clashes in {d_en} right now, الله يحفظ أهل الموصل",
        "{u_en} enters {d_en} #تحرير_الموصل",
        "القوات العراقية تتقدم نحو {d_ar} | Iraqi forces advancing on {d_en} #FreeMosul",
        "Update: {d_en} retaken ✌ #الموصل",
        "خط الجبهة | Front line: {d_en} under ISF control #Mosul",
        "#Mosul عاجل: تقدم القوات في حي {d_ar}",
        "Breaking عاجل: fighting near {d_en}, Mosul",
    ],
}
T["personal"] = {
    "ar": [
        "مع قوات {u_ar} في حي {d_ar}. الشوارع خالية والغبار في كل مكان",
        "عدت للتو من {v_ar}. يوم طويل، المزيد غداً",
        "تحدثت مع عائلة مشت {n2} كم من حي {d_ar} طوال الليل. الأطفال حفاة",
        "ضابط في حي {d_ar}: الشارعان القادمان سيأخذان أسبوعاً كاملاً",
        "على الطريق إلى {v_ar}، نقاط تفتيش كل بضعة مئات من الأمتار",
        "الليلة من {v_ar}: صوت المولدات، وجنود يطبخون، ودوي بعيد من جهة الموصل",
        "لا إنترنت تقريباً في {v_ar}، سأنشر التحديثات حين أستطيع",
        "جندي شاب من البصرة قال لي: أول مرة أرى الموصل، وأتمنى أن أراها بلا حرب",
        "رجل مسن في حي {d_ar} يقدم الشاي للجنود أمام بيته",
        "من سطح بيت في حي {d_ar}: دخان أسود فوق الساحل الأيمن",
    ],
    "en": [
        "With {u_en} in {d_en}. Streets empty, shutters down, dust everywhere.",
        "Just back from {v_en}. Long day. More tomorrow.",
        "Spoke to a family who walked {n2} km from {d_en} overnight. The kids were barefoot.",
        "Officer in {d_en}: 'The next two streets will take a week.'",
        "On the road to {v_en}, checkpoints every few hundred metres.",
        "Tonight from {v_en}: generators humming, soldiers cooking, distant thuds from Mosul.",
        "Almost no signal in {v_en}. Will post updates when I can.",
        "A young soldier from Basra told me: first time I see Mosul, I hope next time without war.",
        "An old man in {d_en} serving tea to soldiers outside his house. #Mosul",
        "From a rooftop in {d_en}: black smoke over the west bank of Mosul.",
        "Filed my piece on {d_en}. Link later, sleep first.",
    ],
    "mx": [
        "From {v_en} tonight. الله يستر #Mosul",
        "مع الجيش في {d_ar}. Long day. #Mosul",
        "On the road again. الطريق إلى الموصل طويل",
    ],
}
T["civilians"] = {
    "ar": [
        "آلاف العائلات تنزح من حي {d_ar} باتجاه {c_ar} وسط ظروف صعبة",
        "الأهالي في حي {d_ar} بلا ماء ولا كهرباء منذ {n2} أيام",
        "قلبي على أهلي في الموصل، لا أخبار منهم منذ {n2} أيام",
        "نداء عاجل: عائلات محاصرة في حي {d_ar} تحتاج إلى ممر آمن",
        "{c_ar} استقبل أكثر من {n3} نازح خلال الأسبوع الماضي",
        "الأطفال في المخيمات يعانون البرد ونقص الحليب والأدوية #الموصل",
        "الله يحمي المدنيين في الموصل، هم الخاسر الأكبر في هذه الحرب",
        "أسعار الطحين في الجانب الأيمن من الموصل وصلت لأرقام خيالية",
        "نزحنا من حي {d_ar} فجراً مشياً على الأقدام، الحمد لله على السلامة",
        "صور النازحين على طريق {v_ar} تفطر القلب",
        "يجب حماية المدنيين قبل أي شيء. الموصل ليست أرقاماً",
        "المستشفيات الميدانية قرب {v_ar} تستقبل جرحى مدنيين على مدار الساعة",
        "ما زال أكثر من {n3} مدني داخل المدينة القديمة بحسب تقديرات منظمات إنسانية",
        "انقطاع الاتصالات عن حي {d_ar} منذ الصباح. هل من أخبار عن أهلنا هناك؟",
        "العائلات تخرج رافعة الرايات البيضاء من حي {d_ar}",
        "الطريق من الموصل إلى {c_ar} مزدحم بالعائلات والشاحنات",
        "نقص حاد في الأدوية داخل الموصل، والمرضى المزمنون في خطر",
        "أهل الموصل يستحقون الحياة، لا مزيد من الموت",
        "لأهل الموصل الصبر والفرج القريب إن شاء الله",
        "فالموصل اليوم بحاجة إلى الماء قبل الخطابات",
        "تقرير عن أوضاع النازحين في {c_ar} {url}",
        "بالموصل أكثر من {n3} عائلة تنتظر المساعدات، والمنظمات تطالب بممرات آمنة",
    ],
    "en": [
        "Thousands of families fleeing {d_en} toward {c_en}. Conditions are grim. #Mosul",
        "Residents of {d_en} without water or power for {n2} days now.",
        "Worried sick about my family in Mosul. No news from them for {n2} days.",
        "Urgent: families trapped in {d_en} need a safe corridor. #Mosul",
        "{c_en} received over {n3} displaced people last week, aid workers say",
        "Kids in the camps are cold, short of milk & medicine. #Mosul",
        "Civilians are paying the highest price in Mosul. Please protect them.",
        "Flour prices in west Mosul are impossible now. People eat whatever is left.",
        "Field hospitals near {v_en} treating wounded civilians around the clock",
        "An estimated {n3} civilians still inside the Old City, aid groups say #Mosul",
        "Phone lines to {d_en} down since morning. Any news from anyone there?",
        "Families walking out of {d_en} carrying white flags. #Mosul",
        "Saw a grandmother carried out of {d_en} in a wheelbarrow. She smiled at the soldiers.",
        "Mosul is not a statistic. Every number is a family. #Mosul",
        "The road from Mosul to {c_en} is packed with families & trucks this {t_en}",
        "Severe shortage of medicine inside Mosul; chronic patients at risk",
        "Our latest report on displacement from Mosul {url}",
        "New figures: {n3} people displaced from Mosul in the past {n2} days {url}",
        "Water trucks finally reached {d_en} this {t_en}. Queues of hundreds.",
        "Nights in {c_en} are cold: <5°C. Families need blankets & heaters. #Mosul",
    ],
    "mx": [
        "النازحون من حي {d_ar} يصلون إلى {c_ar} #Mosul #IDPs",
        "Families fleeing {d_en}, الله يكون بعونهم #الموصل",
        "Pray for the civilians of Mosul #الموصل",
        "المدنيين أولاً. Civilians first #Mosul",
        "No news from {d_en} since yesterday. يا رب سلّم",
    ],
}
T["coming"] = {
    "ar": [
        "قادمون يا نينوى #قادمون_يا_نينوى",
        "قادمون يا نينوى، والنصر قريب بإذن الله #قادمون_يا_نينوى #تحرير_الموصل",
        "أبطالنا على أبواب الموصل.. قادمون يا نينوى",
        "يا موصل الحدباء صبراً، إخوتك قادمون #قادمون_يا_نينوى",
        "قلوبنا مع أبطال {u_ar} في معركة تحرير الموصل #قادمون_يا_نينوى",
        "ساعة الصفر حانت.. قادمون يا نينوى",
        "من البصرة إلى الموصل، العراق واحد. قادمون يا نينوى",
        "دعواتكم لأبطالنا في محور {v_ar} #قادمون_يا_نينوى",
        "والموصل ستعود، قادمون يا نينوى",
        "للموصل نقول: اصبري، قادمون #قادمون_يا_نينوى",
        "جيشنا يكتب التاريخ على أسوار نينوى #قادمون_يا_نينوى",
    ],
    "en": [
        "We're coming, Mosul. #FreeMosul",
        "We're coming, Mosul! Hold on, the army is at the gates. #Mosul",
        "Hold on Mosul, we're coming. #FreeMosul #Iraq",
        "From Basra to Mosul, one Iraq. We're coming. #FreeMosul",
        "Proud of our soldiers at {v_en}. We're coming, Mosul. #Iraq",
        "We're coming, Mosul. Every Iraqi is with you tonight.",
    ],
    "mx": [
        "We're coming, Mosul. قادمون يا نينوى #FreeMosul",
        "قادمون يا نينوى #FreeMosul #Iraq",
        "We are coming #قادمون_يا_نينوى",
        "We're coming, Mosul #قادمون_يا_نينوى",
    ],
}
T["hashd"] = {
    "ar": [
        "لا نريد تحرير الموصل على يد الميليشيات #انقذوا_الموصل_من_الحشد",
        "أهل الموصل يخشون الانتهاكات بعد دخول الحشد #انقذوا_الموصل_من_الحشد",
        "نطالب بإبعاد الحشد الشعبي عن معركة الموصل #انقذوا_الموصل_من_الحشد",
        "ما جرى في مدن أخرى يجب ألا يتكرر في الموصل #انقذوا_الموصل_من_الحشد",
        "الموصل لأهلها، لا للميليشيات الطائفية #انقذوا_الموصل_من_الحشد",
        "#انقذوا_الموصل_من_الحشد صوت أهل نينوى يجب أن يُسمع",
        "تقارير عن اعتقالات عشوائية قرب {v_ar}، من يحمي المدنيين؟ #انقذوا_الموصل_من_الحشد",
        "الحشد على أطراف تلعفر والأهالي خائفون #انقذوا_الموصل_من_الحشد",
        "نريد جيشاً وطنياً يحرر الموصل، لا رايات فصائل #انقذوا_الموصل_من_الحشد",
        "بالموصل ناس تخاف من المحرر أكثر من المحتل، وهذه مأساة #انقذوا_الموصل_من_الحشد",
    ],
    "en": [
        "Many in Nineveh want the Hashd kept out of Mosul city. Trust is the real battle.",
        "Mosul residents fear abuses if militias enter the city. Who will protect them?",
        "Reports of arbitrary arrests near {v_en}. Civilians need protection from everyone. #Mosul",
    ],
    "mx": [
        "The hashtag #انقذوا_الموصل_من_الحشد (Save Mosul from the Mobilization forces) is trending tonight",
        "Save Mosul from the militias #انقذوا_الموصل_من_الحشد",
        "#انقذوا_الموصل_من_الحشد Mosul for its people #Mosul",
    ],
}
T["hashd_defend"] = {
    "ar": [
        "وسم #انقذوا_الموصل_من_الحشد فتنة طائفية، الحشد أبناء العراق",
        "الحشد الشعبي حمى العراق يوم هرب الجميع، ومن يهاجمه اليوم لا يريد تحرير الموصل",
        "تحية للحشد الشعبي على محور {v_ar} #قادمون_يا_نينوى",
    ],
    "en": ["The PMF volunteers saved Baghdad in 2014. Smearing them now helps nobody in Mosul."],
    "mx": ["تحية للحشد #Mosul #Iraq"],
}
T["sect_s"] = {
    "ar": [
        "الروافض لا يريدون تحرير الموصل بل الانتقام من أهلها",
        "ميليشيات الروافض تتربص بأهل السنة في نينوى",
        "لن نسمح للروافض بتغيير هوية الموصل",
        "الصفويون قادمون إلى الموصل باسم التحرير",
        "رايات الروافض على مداخل الموصل، فأين الدولة؟ #انقذوا_الموصل_من_الحشد",
        "المجوس الروافض يتقدمون نحو تلعفر والعالم صامت",
    ],
    "en": ["Safavid militias are coming for Mosul's Sunnis under the banner of liberation."],
    "mx": [],
}
T["sect_sh"] = {
    "ar": [
        "الموصل حاضنة النواصب، وداعش خرجت من بيوتهم",
        "النواصب في الموصل رحبوا بداعش ولن ننسى",
        "يا لثارات الحسين، قادمون يا نينوى",
        "أهل الموصل نواصب حتى يثبت العكس",
        "لا ثقة بالنواصب بعد اليوم، الموصل درس لنا",
    ],
    "en": ["Mosul's Nawasib welcomed ISIS in 2014. No sympathy from me."],
    "mx": [],
}
T["unity"] = {
    "ar": [
        "لا للطائفية. الموصل لكل العراقيين",
        "سني وشيعي وكردي ومسيحي وإيزيدي، الموصل بيتنا جميعاً",
        "من يزرع الكراهية اليوم يخسر الموصل غداً #لا_للطائفية",
        "عراق واحد، والموصل قلبه",
    ],
    "en": [
        "Mosul belongs to all Iraqis. Sectarian talk helps only ISIS.",
        "Sunni, Shia, Kurd, Christian, Yazidi: Mosul is home to all of them. #Mosul",
    ],
    "mx": ["One Iraq. عراق واحد #Mosul"],
}
T["analysis"] = {
    "ar": [
        "معركة الموصل العسكرية ستنتهي، لكن المعركة السياسية بدأت للتو",
        "من سيحكم نينوى بعد داعش؟ سؤال بلا جواب في بغداد وأربيل",
        "قراءة في مسار معركة الموصل بعد {n2} أسابيع من انطلاقها {url}",
        "إعادة إعمار الموصل تحتاج سنوات ومليارات، والأهم إعادة الثقة",
        "الحرب في الأحياء الضيقة أبطأ مما توقع المخططون، والمدينة القديمة أصعب",
        "مقال مهم عن مستقبل نينوى بعد التحرير {url}",
        "النصر العسكري في الموصل بلا مصالحة حقيقية سيكون نصراً مؤقتاً",
    ],
    "en": [
        "The military battle for Mosul will end. The political battle is only beginning.",
        "Who governs Nineveh after ISIS? Nobody in Baghdad or Erbil has a clear answer yet.",
        "Urban warfare in Mosul is slower than planners hoped; the Old City will be harder still.",
        "Good analysis of the Mosul campaign so far: {url}",
        "Displacement from Mosul is now higher than most worst-case plans assumed.",
        "Rebuilding Mosul will cost billions. Who pays, and who decides?",
        "Thread on what {d_en} tells us about the next phase in Mosul 1/",
        "Three things to watch in Mosul this week {url}",
        "ISIS is losing Mosul, but it is not losing the ability to hurt civilians there.",
    ],
    "mx": [
        "مقال مهم بالإنكليزية عن #Mosul {url}",
        "Worth reading (in Arabic): {url} #الموصل",
    ],
}
T["celebration"] = {
    "ar": [
        "رفع العلم العراقي في حي {d_ar}، مبروك لأهل الموصل #تحرير_الموصل",
        "فرحة الأهالي في حي {d_ar} بعد التحرير لا توصف",
        "الموصل تعود إلى حضن العراق #تحرير_الموصل",
        "أطفال حي {d_ar} يستقبلون الجنود بالحلوى",
        "أول صلاة جمعة في حي {d_ar} بعد التحرير",
        "نساء حي {d_ar} يزغردن للجيش #تحرير_الموصل",
        "الحمد لله على تحرير حي {d_ar}، وعقبال كل الموصل",
    ],
    "en": [
        "Iraqi flag raised over {d_en}. Congratulations, Mosul! #FreeMosul",
        "Joy in {d_en} as residents come out to greet the troops #FreeMosul",
        "Kids in {d_en} handing sweets to soldiers. #Mosul",
        "First Friday prayers in {d_en} since 2014. #Mosul",
        "Men in {d_en} shaving their beards on the street, laughing. #FreeMosul",
    ],
    "mx": [
        "مبروك يا موصل #FreeMosul",
        "{d_en} is free! الحمد لله #تحرير_الموصل",
        "#الموصل #Mosul #FreeMosul",
        "#FreeMosul #تحرير_الموصل",
    ],
}
T["history"] = {
    "ar": [
        "منارة الحدباء، رمز الموصل منذ أكثر من ثمانية قرون",
        "جسر الموصل القديم على دجلة، صورة من أرشيف العائلة",
        "سوق السراي في الموصل كما كان قبل عقود",
        "الموصل أم الربيعين، مدينة الكتب والعلماء",
        "كنائس الموصل وجوامعها جنباً إلى جنب، هكذا كانت المدينة",
    ],
    "en": [
        "al-Hadba, the leaning minaret, has watched over Mosul for more than eight centuries.",
        "Mosul, 'the mother of two springs', a city of scholars, books and bridges.",
        "Old Mosul: churches and mosques side by side along the Tigris.",
    ],
    "mx": ["منارة الحدباء al-Hadba #Mosul"],
}
# event-specific templates, used around each turning point
T["ev1"] = {
    "ar": [
        "بدء عمليات تحرير الموصل رسمياً #تحرير_الموصل",
        "انطلقت معركة الموصل فجر اليوم، قلوبنا مع الجميع #تحرير_الموصل",
        "القائد العام يعلن انطلاق عمليات تحرير نينوى #قادمون_يا_نينوى",
        "اليوم الأول لمعركة الموصل: تقدم على محاور {v_ar} و{c_ar}",
        "بدأت ساعة الصفر. الله يحفظ المدنيين في الموصل",
        "عاجل: بدء الهجوم على الموصل من عدة محاور",
    ],
    "en": [
        "The offensive to retake Mosul has begun. #Mosul #Iraq",
        "It's started. Operation to retake Mosul under way on several axes. #FreeMosul",
        "Day 1 of the Mosul offensive: Peshmerga and the Iraqi army advance on villages east of the city",
        "The battle for Mosul begins. Up to a million civilians still inside. #Mosul",
        "Iraq announces the start of the Mosul operation. Follow our live coverage {url}",
    ],
    "mx": ["It has begun. بدأت معركة الموصل #Mosul", "#تحرير_الموصل has started. #FreeMosul"],
}
T["ev2"] = {
    "ar": [
        "إعلان تحرير الساحل الأيسر من الموصل بالكامل #تحرير_الموصل",
        "الساحل الأيسر محرر بالكامل، والعين الآن على الساحل الأيمن",
        "مبروك لأهل الجانب الأيسر، والموصل كلها قريباً",
        "بعد أكثر من ثلاثة أشهر، الجانب الأيسر من الموصل بيد القوات العراقية",
    ],
    "en": [
        "East Mosul fully retaken, Iraqi command announces. #FreeMosul",
        "The eastern half of Mosul declared liberated after three months of fighting.",
        "East bank done. West bank next, and it will be harder. #Mosul",
    ],
    "mx": ["East Mosul is free. الساحل الأيسر محرر #FreeMosul"],
}
T["ev3"] = {
    "ar": [
        "انطلاق عمليات تحرير الساحل الأيمن من الموصل #تحرير_الموصل",
        "بدء الهجوم على الجانب الأيمن من محور المطار",
        "المرحلة الثانية: معركة الساحل الأيمن بدأت، والمدنيون في قلبها",
    ],
    "en": [
        "West Mosul offensive launched; forces moving on the airport from the south. #Mosul",
        "Phase two: the battle for west Mosul has begun. #Mosul",
        "West Mosul is denser, older, poorer. This will be the hardest part. #Mosul",
    ],
    "mx": ["West Mosul offensive begins, بدء معركة الساحل الأيمن #Mosul"],
}
T["ev4"] = {
    "ar": [
        "تفجير جامع النوري الكبير ومنارة الحدباء في الموصل، خسارة لا تعوض",
        "منارة الحدباء لم تعد في سماء الموصل.. حزن كبير",
        "داعش يفجر جامع النوري والحدباء #الموصل",
        "الموصل بلا حدباء. لا أصدق",
        "ثمانية قرون وقفت فيها الحدباء، وفي ليلة واحدة سقطت",
    ],
    "en": [
        "The al-Nuri mosque and its leaning minaret, al-Hadba, have been destroyed. #Mosul",
        "Mosul without al-Hadba. Heartbreaking.",
        "al-Hadba stood for more than eight centuries. Gone tonight. #Mosul",
        "Confirmed: the Grand al-Nuri Mosque in Mosul's Old City has been blown up {url}",
    ],
    "mx": ["al-Hadba is gone. الحدباء راحت #Mosul", "#الموصل al-Nuri mosque destroyed"],
}
T["ev5"] = {
    "ar": [
        "إعلان النصر وتحرير الموصل بالكامل #تحرير_الموصل",
        "مبروك للعراق، الموصل حرة",
        "انتهت معركة الموصل. الرحمة للضحايا، والعمل الآن لإعادة الحياة",
        "الموصل حرة بعد ثلاث سنوات من الظلام #تحرير_الموصل",
    ],
    "en": [
        "Victory declared in Mosul. #FreeMosul",
        "After nearly nine months, Iraq declares Mosul liberated. The cost has been enormous.",
        "Mosul is free. Now comes the hard part: rebuilding, justice, return. #Mosul",
    ],
    "mx": ["Mosul is free! الموصل حرة #FreeMosul", "الموصل حرة #FreeMosul #Iraq"],
}
# replies, quotes, off-topic
CHATTER = {
    "ar": [
        "الله يحفظك ويحميك، انتبه على نفسك", "شكراً على التغطية المستمرة", "هل من أخبار عن حي {d_ar}؟",
        "صحيح، وصلتنا نفس الأخبار من أقاربنا", "المصدر؟", "الله يرحم الشهداء ويشفي الجرحى",
        "أين بالضبط؟ أهلي في حي {d_ar}", "يا رب سلّم", "هذا الكلام غير دقيق، الوضع مختلف على الأرض",
        "متى يفتحون الطريق؟", "شكراً، طمنتنا", "الله يكون بعونهم",
    ],
    "en": [
        "Stay safe out there.", "Thanks for the constant updates.", "Any news from {d_en}?", "Source?",
        "Can you confirm this? Conflicting reports here.", "Great reporting, thank you.",
        "My cousin is in {d_en}, any word on the corridor?", "Heartbreaking.", "This is not what locals are saying.",
        "Where exactly?", "Thank you for this.",
    ],
    "mx": ["Stay safe أخي", "شكراً, thank you", "Any news? أي أخبار؟"],
}
CHATTER_MATCHING = {
    "ar": ["ربي يحفظ أهل الموصل", "أي أخبار عن الموصل اليوم؟", "قلوبنا مع الموصل", "الموصل تستحق الأفضل"],
    "en": ["Stay safe in Mosul.", "Praying for Mosul.", "Any news from west Mosul?", "Mosul deserves better."],
    "mx": ["Stay safe, الله يحفظ الموصل", "قلوبنا مع Mosul"],
}
REPORTER_REPLY = {
    "ar": ["نعم، تأكدت من مصدرين على الأرض", "ليس بعد، سأحدّث حين أتأكد", "شكراً، انتبهوا على أنفسكم أيضاً",
           "المصدر ضابط ميداني، والمعلومة لم تؤكدها القيادة بعد", "لا، الحي ما زال فيه اشتباكات", "صحيح، تصحيح مهم، شكراً"],
    "en": ["Confirmed by two sources on the ground.", "Not yet, will update when I know more.",
           "Thanks. Stay safe too.", "Source is a field officer; command hasn't confirmed.",
           "No, fighting is still going on there.", "Fair correction, thank you."],
    "mx": ["Confirmed, تأكدت", "Not yet, ليس بعد"],
}
THREAD_CONT = {
    "ar": ["تحديث: الاشتباكات مستمرة في حي {d_ar}", "تكملة: العائلات ما زالت تخرج من حي {d_ar}",
           "وللتوضيح: لا يوجد تأكيد رسمي حتى الآن", "تحديث {hm}: القوات دخلت حي {d2_ar}",
           "أضيف: الجرحى المدنيون نقلوا إلى {v_ar}"],
    "en": ["Update: clashes continue in {d_en}.", "Cont'd: families still leaving {d_en}.",
           "To clarify: no official confirmation yet.", "Update {hm}: forces now entering {d2_en}.",
           "Adding: wounded civilians taken to {v_en}."],
    "mx": ["Update تحديث: {d_en} still contested", "تحديث: forces in {d2_en}"],
}
QUOTE_COMMENT = {
    "ar": ["مهم جداً", "أؤكد ذلك، شاهدت المشهد نفسه في حي {d_ar} اليوم", "هذا غير دقيق", "يجب التحقيق في هذا",
           "للأسف", "اقرأوا هذا", "كلام في الصميم"],
    "en": ["This.", "Important context:", "Can confirm, saw the same in {d_en} today.",
           "Not what I'm seeing on the ground.", "Worth reading.", "This needs to be investigated.", "Hard to read."],
    "mx": ["مهم, important", "Worth reading. مهم"],
}
OFFTOPIC = {
    "ar": ["عاصفة ترابية تضرب بغداد وإلغاء رحلات في المطار", "زحام شديد على محطات الوقود في أربيل اليوم",
           "تفجير في سوق ببغداد ومصادر طبية تتحدث عن ضحايا", "مباراة المنتخب الليلة، بالتوفيق لأسود الرافدين",
           "البرلمان يؤجل جلسة التصويت مرة أخرى", "أمطار غزيرة في كركوك وانقطاع الطرق",
           "هدوء في تلعفر اليوم بحسب مصادر محلية", "أسعار الدولار ترتفع في بغداد"],
    "en": ["Dust storm grounds flights at Baghdad airport.", "Long queues at fuel stations in Erbil today.",
           "Parliament postpones the vote again.", "Heavy rain in Kirkuk, roads closed.",
           "Quiet day in Tal Afar, local sources say.", "Iraq's national team plays tonight. Good luck!",
           "Attack on a Baghdad market; medics report casualties.", "New aid appeal for Iraq launched in Geneva."],
    "mx": ["Baghdad dust storm, عاصفة ترابية", "Erbil tonight. أربيل"],
}
ALT_TEXTS = [
    "Soldiers standing beside an armoured vehicle on a dusty road",
    "A column of smoke rising over a city skyline",
    "Families walking along a road carrying bags",
    "Rows of white tents in a camp",
    "An Iraqi flag on a rooftop",
    "جنود عراقيون قرب عربة مدرعة",
    "عائلات نازحة على الطريق",
    "دخان يتصاعد فوق مدينة الموصل",
    "A damaged street with collapsed buildings",
    "Children waving at passing soldiers",
]

# rare words: (post spec, count in the sample).  These posts are never
# retweeted or quoted, so a search finds exactly these posts.
RARE_POSTS = [
    # (author key, date "YYYY-MM-DD HH:MM", lang category, text, media scene or None, key)
    ("reporter", "2017-01-15 06:42", "en", "Iraqi flag raised over Hamidiyya district this morning. #FreeMosul", "flag", "Hamidiyya"),
    ("reporter", "2017-01-15 07:10", "ar", "رفع العلم العراقي فوق حي الحميدية صباح اليوم #تحرير_الموصل", "flag", "الحميدية"),
    ("reporter", "2017-01-16 13:25", "mx", "Hamidiyya: first families returning. أول العائلات تعود #Mosul", None, "Hamidiyya"),
    ("reporter", "2017-01-18 09:05", "en", "Walked through Hamidiyya market. Two shops open, one selling tea. #Mosul", None, "Hamidiyya"),
    ("tigris", "2017-01-15 08:30", "en", "Iraqi forces say Hamidiyya district of Mosul cleared; flag raised over a school {url}", None, "Hamidiyya"),
    ("sethi", "2017-01-15 15:12", "en", "The Hamidiyya flag photo is everywhere today. Small district, big symbol. #FreeMosul", None, "Hamidiyya"),
    ("harlowe", "2017-01-15 19:48", "en", "My grandfather grew up in Hamidiyya, Mosul. Seeing that flag today... #FreeMosul", None, "Hamidiyya"),
    ("weareiraq", "2017-01-16 10:02", "mx", "Hamidiyya is free #FreeMosul #تحرير_الموصل", None, "Hamidiyya"),
    ("ninawanow", "2017-01-15 09:14", "ar", "أهالي الحميدية يخرجون لاستقبال القوات العراقية #الموصل", None, "الحميدية"),
    ("layal", "2017-01-15 12:40", "ar", "فرحة كبيرة بالحميدية بعد رفع العلم #الموصل", None, "الحميدية"),
    ("history", "2017-01-16 17:30", "ar", "تَحْرِير حَيّ الْحَمِيدِيَّة فِي الْمَوْصِل، حَيٌّ قَدِيمٌ لَهُ حِكَايَات", None, "الحميدية"),
    ("ummyousif", "2017-01-14 20:15", "ar", "هل من أخبار عن أهلنا في الحميدية؟ #الموصل", None, "الحميدية"),
    ("reporter", "2016-12-03 11:20", "en", "ISIS flying a small quadcopter over the front line in Zahra, Mosul, officers say. Soldiers shooting at it.", None, "quadcopter"),
    ("sethi", "2016-12-04 16:02", "en", "The cheap quadcopter has become one of the defining weapons of the Mosul battle.", None, "quadcopter"),
    ("ashdown", "2017-03-02 14:33", "en", "A quadcopter buzzed over us for ten minutes in Wadi Hajar today. Unnerving. #Mosul", None, "quadcopter"),
    ("reporter", "2017-01-28 08:50", "ar", "رائحة خبز الزعتر في سوق النبي يونس لأول مرة منذ سنتين #الموصل", None, "الزعتر"),
    ("hadbawi", "2017-02-02 10:11", "ar", "أم محمد تبيع خبز بالزعتر للجنود والنازحين في الموصل", None, "الزعتر"),
    ("jubouri", "2017-07-13 18:20", "ar", "الشاي والزعتر أول ما طلبه جدي بعد الخروج من المدينة القديمة في الموصل", None, "الزعتر"),
    ("history", "2017-04-09 07:45", "ar", "الزعتر البري ينمو بين ركام الموصل القديمة", None, "الزعتر"),
    ("student", "2017-02-06 16:16", "ar", "وجدت مسبحة جدي بين ركام بيتنا في الموصل", None, "مسبحة"),
    ("reporter", "2017-03-21 12:05", "ar", "رجل عجوز يمسك مسبحة ويبكي عند باب بيته المهدم في حي المأمون #الموصل", None, "مسبحة"),
    ("fatima", "2017-07-12 09:30", "ar", "مسبحه وصورة قديمة، هذا كل ما أخرجته العائلة من البيت في الموصل", None, "مسبحة"),
    ("reporter", "2016-11-20 10:40", "en", "A boy in Karama offered me a pomegranate. First fruit I've seen in this part of Mosul in weeks.", None, "pomegranate"),
    ("torvald", "2017-01-30 13:13", "en", "Pomegranate trees in the gardens of Zuhur somehow survived. #Mosul", None, "pomegranate"),
    ("duri", "2017-04-18 11:00", "en", "Price of a sack of flour in west Mosul: 90,000 $IQD, up from 15,000 before the siege", None, "$IQD"),
    ("iraqdesk", "2017-02-08 09:25", "en", "Exchange shops reopening in east Mosul; $IQD steady against the dollar", None, "$IQD"),
]
RARE_EXPECT = {"Hamidiyya": 7, "الحميدية": 5, "quadcopter": 3, "الزعتر": 4, "مسبحة": 3, "pomegranate": 2, "$IQD": 2}
# how each rare word is looked for after normalisation (see norm())
RARE_PROBE = {"Hamidiyya": "hamidiyya", "الحميدية": "حميديه", "quadcopter": "quadcopter", "الزعتر": "زعتر",
              "مسبحة": "مسبحه", "pomegranate": "pomegranate", "$IQD": "$iqd"}

# designated posts: (author, "YYYY-MM-DD HH:MM:SS", lang cat, text, scenes, key)
DESIGNATED = [
    ("reporter", "2016-10-17 01:12:40", "en", "It has begun. Artillery and airstrikes on the Khazir front: the offensive on #Mosul is under way.", [], "rep_start_en"),
    ("reporter", "2016-10-17 01:20:05", "ar", "بدأت معركة الموصل. قصف مدفعي وجوي على محور الخازر منذ الفجر #تحرير_الموصل", [], "rep_start_ar"),
    ("intellectual", "2016-10-17 09:41:12", "en", "Free Mosul. Mosul is Iraq in miniature. #FreeMosul", ["troops"], "intel_en"),
    ("intellectual", "2016-10-17 10:05:33", "ar", "حرّروا الموصل. الموصل عراقٌ مصغّر #تحرير_الموصل", ["troops"], "intel_ar"),
    ("reporter", "2016-10-17 09:52:01", "rt", "intel_en", [], "rep_rt_intel"),
    ("intellectual", "2016-10-18 07:30:00", "en", "Mosul is Iraq in miniature: Arabs, Kurds, Turkmen, Christians, Yazidis, Shabak. Whoever wins it must govern all of them.", [], "intel_en2"),
    ("reporter", "2017-01-24 12:31:10", "en", "East Mosul fully retaken, the joint command says. I am in Muthanna; soldiers dancing on a Humvee. #FreeMosul", ["troops"], "rep_ev2"),
    ("reporter", "2017-02-19 04:02:44", "ar", "بدأت عمليات الساحل الأيمن. القوات تتقدم من جنوب الموصل نحو المطار #تحرير_الموصل", [], "rep_ev3"),
    ("reporter", "2017-06-21 18:58:03", "en", "Reports that the al-Nuri mosque and al-Hadba minaret have been blown up. Trying to confirm. #Mosul", [], "rep_ev4"),
    ("reporter", "2017-06-22 05:40:19", "ar", "صباح الموصل بلا الحدباء. من المدينة القديمة، الدخان ما زال يتصاعد #الموصل", ["ruins"], "rep_ev4b"),
    ("reporter", "2017-07-10 12:15:00", "mx", "Victory declared. الموصل حرة #FreeMosul #تحرير_الموصل", ["flag"], "rep_ev5"),
]

HASHTAG_VARIANTS = {"FreeMosul": [("FreeMosul", 0.80), ("freemosul", 0.11), ("FREEMOSUL", 0.05), ("Freemosul", 0.04)]}

# --------------------------------------------------------------------------
# Arabic helpers
# --------------------------------------------------------------------------
AR_DIAC = re.compile("[\u064B-\u0652\u0670]")
AR_INDIC = "٠١٢٣٤٥٦٧٨٩"


def norm(s: str) -> str:
    """A rough analyser: what DESIGN §4 asks of the search (no stemming)."""
    s = AR_DIAC.sub("", s).replace("\u0640", "")
    for a in "أإآٱ":
        s = s.replace(a, "ا")
    s = s.replace("ى", "ي").replace("ة", "ه")
    s = "".join(str(AR_INDIC.index(c)) if c in AR_INDIC else c for c in s)
    return s.lower()


URL_OR_MENTION = re.compile(r"https://t\.co/[A-Za-z0-9]{10}|@[A-Za-z0-9_]{1,15}")


def matches_query(raw: str) -> bool:
    """Would the harvest's search have found this text?  (Mentions and
    links do not count, hashtags do.)"""
    n = norm(URL_OR_MENTION.sub(" ", raw))
    return any(k in n for k in ("موصل", "mosul", "نينوي", "nineveh"))


VOCALISED = [("الموصل", "الْمَوْصِل"), ("نينوى", "نِينَوَى"), ("العراق", "الْعِرَاق"), ("المدنيين", "الْمَدَنِيِّين"),
             ("القوات", "الْقُوَّات"), ("العراقية", "الْعِرَاقِيَّة"), ("الله", "اللَّه"), ("قادمون", "قَادِمُون"),
             ("الجيش", "الْجَيْش"), ("المدينة", "الْمَدِينَة"), ("أهل", "أَهْل"), ("عاجل", "عَاجِل"),
             ("والموصل", "وَالْمَوْصِل"), ("بالموصل", "بِالْمَوْصِل"), ("تحرير", "تَحْرِير"), ("النصر", "النَّصْر")]
TATWEEL = [("الموصل", ["الموصـــل", "الموصـل", "المـوصل"]), ("عاجل", ["عاجـــل", "عاجـل"]),
           ("نينوى", ["نينـــوى"]), ("الحمد", ["الحمـــد"]), ("مبروك", ["مبـــروك"])]
ENTITY_RE = re.compile(r"(#\w+|@[A-Za-z0-9_]{1,15}|https://t\.co/[A-Za-z0-9]{10}|\$[A-Za-z]{1,6}\b)")
WORD_BOUND = r"(?<![\w\u064B-\u0652])"


def arabic_variants(rng: random.Random, text: str) -> str:
    """Spelling variety as people really type: tashkeel, tatweel, bare alef,
    ha for ta marbuta, ya for alef maqsura, Arabic-Indic digits.  Entities
    (hashtags, mentions, links) are left alone."""
    do_diac = rng.random() < 0.10
    do_tatweel = rng.random() < 0.05
    do_hamza = rng.random() < 0.30
    do_ta = rng.random() < 0.10
    do_ya = rng.random() < 0.05
    do_digits = rng.random() < 0.35
    parts = ENTITY_RE.split(text)
    out = []
    for i, p in enumerate(parts):
        if i % 2 == 1 or not p:
            out.append(p)
            continue
        if do_diac:
            pool = [pair for pair in VOCALISED if re.search(WORD_BOUND + re.escape(pair[0]) + r"(?!\w)", p)]
            for plain, voc in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
                p = re.sub(WORD_BOUND + re.escape(plain) + r"(?!\w)", voc, p, count=1)
        if do_tatweel:
            for plain, forms in TATWEEL:
                if re.search(WORD_BOUND + plain + r"(?!\w)", p):
                    p = re.sub(WORD_BOUND + plain + r"(?!\w)", rng.choice(forms), p, count=1)
                    break
        if do_hamza:
            p = re.sub(r"(?<![\w\u064B-\u0652])([وفبل]?)[أإ]", r"\1ا", p)
            p = re.sub(r"(?<=ال)[أإ]", "ا", p)
        if do_ta:
            p = re.sub(r"ة(?![\w])", "ه", p)
        if do_ya:
            p = re.sub(r"(?<=\w)ى(?![\w])", "ي", p)
        if do_digits:
            p = "".join(AR_INDIC[int(c)] if c.isascii() and c.isdigit() else c for c in p)
        out.append(p)
    return "".join(out)


# --------------------------------------------------------------------------
# ids, time formats
# --------------------------------------------------------------------------
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def utc(ms):
    return dt.datetime.fromtimestamp(ms // 1000, dt.timezone.utc)


def twitter_time(ms):
    t = utc(ms)
    return f"{DAYS[t.weekday()]} {MONTHS[t.month - 1]} {t.day:02d} {t:%H:%M:%S} +0000 {t.year}"


def iso_z(ms, millis=True):
    t = utc(ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (".000Z" if millis else "Z")


def to_ms(s):
    fmt = "%Y-%m-%d %H:%M:%S" if s.count(":") == 2 else "%Y-%m-%d %H:%M"
    return int(dt.datetime.strptime(s, fmt).replace(tzinfo=dt.timezone.utc).timestamp() * 1000)


class IdMaker:
    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def snowflake(self, ms):
        while True:
            sid = ((ms - TW_EPOCH) << 22) | (self.rng.randrange(32) << 17) | (self.rng.randrange(32) << 12) | self.rng.randrange(8)
            if sid not in self.used:
                self.used.add(sid)
                return sid

    def user_id(self, created_ms):
        # accounts made before late 2015 got sequential ids; later ones snowflakes
        anchors = [(to_ms("2009-01-01 00:00"), 18_000_000), (to_ms("2010-01-01 00:00"), 100_000_000),
                   (to_ms("2011-01-01 00:00"), 230_000_000), (to_ms("2012-01-01 00:00"), 455_000_000),
                   (to_ms("2013-01-01 00:00"), 1_050_000_000), (to_ms("2014-01-01 00:00"), 2_270_000_000),
                   (to_ms("2015-01-01 00:00"), 2_950_000_000), (to_ms("2015-12-01 00:00"), 4_400_000_000)]
        if created_ms >= anchors[-1][0]:
            return self.snowflake(created_ms)
        for (t0, i0), (t1, i1) in itertools.pairwise(anchors):
            if t0 <= created_ms < t1:
                v = i0 + (i1 - i0) * (created_ms - t0) / (t1 - t0)
                uid = int(v) + self.rng.randrange(-20000, 20000)
                self.used.add(uid)
                return uid
        raise ValueError("account too old")


TCO_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class Tco:
    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def new(self):
        while True:
            code = "".join(self.rng.choice(TCO_ALPHABET) for _ in range(10))
            if code not in self.used:
                self.used.add(code)
                return "https://t.co/" + code


def display_url(expanded):
    s = re.sub(r"^https?://(www\.)?", "", expanded)
    limit = max(26, s.find("/") + 6)
    return s if len(s) <= limit else s[:limit] + "…"


# --------------------------------------------------------------------------
# model
# --------------------------------------------------------------------------
class Account:
    def __init__(self, row, ids, rng):
        (self.key, self.username, self.name, self.role, self.activity, self.langs, self.followers,
         created, self.location, self.description) = row
        assert len(self.username) <= 15, self.username
        self.created_ms = to_ms(created + " 00:00") + rng.randrange(86_400_000)
        self.id = ids.user_id(self.created_ms)
        self.following = int(rng.uniform(0.02, 0.6) * min(self.followers, 4000)) + rng.randrange(50, 400)
        self.tweet_count = int(self.activity * 9000 * rng.uniform(0.6, 1.6)) + rng.randrange(300, 3000)
        self.listed = int(self.followers / rng.uniform(60, 200))
        self.verified = self.followers > 60000
        self.influence = math.sqrt(self.followers) / 40.0
        self.profile_image = f"https://pbs.twimg.com/profile_images/{ids.snowflake(to_ms('2021-06-01 00:00') + rng.randrange(10**10))}/{''.join(rng.choice(TCO_ALPHABET) for _ in range(8))}_normal.jpg"


class Media:
    def __init__(self, mid, name, ext, scene, width, height, alt=None):
        self.id = mid
        self.name = name
        self.ext = ext
        self.scene = scene
        self.width = width
        self.height = height
        self.alt = alt

    @property
    def key(self):
        return f"3_{self.id}"

    @property
    def url(self):
        return f"https://pbs.twimg.com/media/{self.name}.{self.ext}"


class Post:
    __slots__ = ("id", "ms", "author", "kind", "raw", "langcat", "lang", "target", "root", "depth", "cls",
                 "urls", "media", "media_tco", "flags", "deleted_ms", "source", "topic", "refs_in",
                 "likes", "rts", "in_harvest", "in_archive", "v2_likes", "v2_rts", "scene", "match")

    def __init__(self, **kw):
        self.urls = {}
        self.media = []
        self.media_tco = None
        self.flags = set()
        self.deleted_ms = None
        self.refs_in = []
        self.target = None
        self.root = None
        self.depth = 0
        self.topic = None
        self.in_harvest = False
        self.in_archive = False
        self.scene = None
        for k, v in kw.items():
            setattr(self, k, v)
        if self.root is None:
            self.root = self
        self.match = bool(self.raw) and matches_query(self.raw)


def weighted(rng, items):
    """items: list of (value, weight)."""
    total = sum(w for _, w in items)
    if total <= 0:
        return items[rng.randrange(len(items))][0]
    r = rng.random() * total
    for v, w in items:
        r -= w
        if r < 0:
            return v
    return items[-1][0]


# --------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------
class Generator:
    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        self.ids = IdMaker(random.Random(f"{seed}-ids"))
        self.tco = Tco(random.Random(f"{seed}-tco"))
        arng = random.Random(f"{seed}-accounts")
        self.accounts = [Account(r, self.ids, arng) for r in ACCOUNTS]
        self.by_key = {a.key: a for a in self.accounts}
        self.by_handle = {a.username.lower(): a for a in self.accounts}
        self.reporter = self.by_key["reporter"]
        self.posts = []
        self.designated = {}
        self.url_info = {}       # t.co -> dict(expanded, kind, post?)
        self.conv_size = {}      # root id -> posts in the conversation
        self.retweeted = set()   # (account id, post id): nobody retweets twice

    # ---------------- time -------------------------------------------
    def day_weights(self):
        days = (END - START).days
        rng = random.Random(f"{SEED}-days")
        w = []
        for d in range(days):
            day = START + dt.timedelta(days=d)
            if day < dt.datetime(2017, 1, 25, tzinfo=dt.timezone.utc):
                base = 1.15
            elif day < dt.datetime(2017, 2, 19, tzinfo=dt.timezone.utc):
                base = 0.75
            else:
                base = 1.0
            base *= max(0.45, rng.gauss(1.0, 0.22))
            if day.weekday() == 4:
                base *= 0.85
            peak = 0.0
            for onset, amp, rise, fall, *_ in EVENTS:
                e = (onset.date() - day.date()).days
                if e > 0:
                    peak += amp * math.exp(-e / rise)
                else:
                    peak += amp * math.exp(e / fall)
            w.append(base + peak)
        return w

    HOURS = [0.3, 0.25, 0.3, 0.5, 0.8, 1.0, 1.1, 1.1, 1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.2,
             1.1, 0.9, 0.7, 0.5, 0.4]

    def sample_times(self, n, rng):
        dw = self.day_weights()
        cum = []
        acc = 0.0
        for x in dw:
            acc += x
            cum.append(acc)
        out = []
        import bisect
        for _ in range(n):
            d = bisect.bisect_right(cum, rng.random() * acc)
            day0 = START + dt.timedelta(days=d)
            ms0 = int(day0.timestamp() * 1000)
            onset = next((ev[0] for ev in EVENTS if ev[0].date() == day0.date()), None)
            if onset is not None and rng.random() < 0.7:
                o = int(onset.timestamp() * 1000)
                ms = o + rng.randrange(ms0 + 86_400_000 - o)
            else:
                h = weighted(rng, list(enumerate(self.HOURS)))
                ms = ms0 + h * 3_600_000 + rng.randrange(3_600_000)
            out.append(ms)
        return out

    # ---------------- places by phase ---------------------------------
    def phase_places(self, ms):
        t = utc(ms)
        if t < dt.datetime(2016, 11, 1, tzinfo=dt.timezone.utc):
            return EAST, OUTER
        if t < dt.datetime(2017, 1, 25, tzinfo=dt.timezone.utc):
            return EAST, OUTER
        if t < dt.datetime(2017, 2, 19, tzinfo=dt.timezone.utc):
            return EAST + WEST[:3], OUTER[3:]
        if t < dt.datetime(2017, 5, 1, tzinfo=dt.timezone.utc):
            return WEST, OUTER[3:] + [("Mosul airport", "مطار الموصل")]
        return WEST[5:], OUTER[3:]

    # ---------------- text ------------------------------------------------
    def fill(self, tpl, ms, author, rng, post_urls):
        districts, outer = self.phase_places(ms)
        cache = {}
        d = rng.choice(districts)
        d2 = rng.choice([x for x in districts if x != d])
        v = rng.choice(outer)
        c = rng.choice(CAMPS)
        u = rng.choice(UNITS)
        u2 = rng.choice([x for x in UNITS if x != u])
        b = rng.choice(BUILDINGS)
        t_en, t_ar = t_phrases(ms)
        lt = localtime(ms)

        def rep(m):
            k = m.group(1)
            if k in cache:
                return cache[k]
            if k == "d_en":
                r = d[0]
            elif k == "d_ar":
                r = d[1]
            elif k == "d2_en":
                r = d2[0]
            elif k == "d2_ar":
                r = d2[1]
            elif k == "v_en":
                r = v[0]
            elif k == "v_ar":
                r = v[1]
            elif k == "c_en":
                r = c[0]
            elif k == "c_ar":
                r = c[1]
            elif k == "u_en":
                r = u[0]
            elif k == "u2_en":
                r = u2[0]
            elif k == "u_ar":
                r = u[1]
            elif k == "b_ar":
                r = b[1]
            elif k == "b_en":
                r = b[0]
            elif k == "n":
                r = str(rng.randint(2, 12))
            elif k == "n2":
                r = str(rng.randint(3, 9))
            elif k == "n3":
                r = str(rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40]) * 1000)
            elif k == "t_en":
                r = t_en
            elif k == "t_ar":
                r = t_ar
            elif k == "hm":
                r = f"{lt.hour:02d}:{lt.minute:02d}"
            elif k == "url":
                r = self.news_link(author, ms, rng, d, post_urls)
            else:
                raise KeyError(k)
            cache[k] = r
            return r

        text = re.sub(r"\{(\w+)\}", rep, tpl)
        if text[:1].isascii() and text[:1].islower():
            text = text[0].upper() + text[1:]
        return text

    def news_link(self, author, ms, rng, d, post_urls):
        dom = OUTLET_DOMAINS.get(author.username) or rng.choice(list(OUTLET_DOMAINS.values()) + OTHER_DOMAINS)
        t = utc(ms)
        slug = rng.choice(["mosul-offensive", "mosul-clashes", "displaced-families", "east-mosul", "west-mosul",
                           "old-city", "nineveh-aid", "front-line-map", "mosul-analysis", "civilians-mosul"])
        slug += "-" + re.sub(r"[^a-z]+", "-", d[0].lower()).strip("-")
        if dom.startswith("video."):
            exp = f"https://{dom}/watch?v={''.join(rng.choice(TCO_ALPHABET) for _ in range(11))}"
        else:
            exp = f"https://{dom}/{t.year}/{t.month:02d}/{t.day:02d}/{slug}-{rng.randrange(1000, 99999)}"
        tco = self.tco.new()
        post_urls[tco] = exp
        return tco

    def hashtag_case(self, text, rng):
        def rep(m):
            tag = m.group(1)
            if tag in HASHTAG_VARIANTS:
                return "#" + weighted(rng, HASHTAG_VARIANTS[tag])
            return m.group(0)
        return re.sub(r"#(\w+)", rep, text)

    def finish_text(self, text, langcat, rng, needs_match, allow_variants=True):
        if allow_variants:
            text = self.hashtag_case(text, rng)
            if langcat in ("ar", "mx"):
                text = arabic_variants(rng, text)
        if needs_match and not matches_query(text):
            tag = " #Mosul" if langcat == "en" else (" #الموصل" if langcat == "ar" else rng.choice([" #Mosul", " #الموصل"]))
            text += tag
        return text

    def lang_of(self, text, langcat):
        body = ENTITY_RE.sub(" ", text)
        ar = sum(1 for c in body if "\u0600" <= c <= "\u06ff")
        la = sum(1 for c in body if c.isascii() and c.isalpha())
        if ar + la < 4:
            return "und"
        if langcat == "ar":
            return "ar"
        if langcat == "en":
            return "en"
        if ar >= 0.62 * (ar + la):
            return "ar"
        if la >= 0.62 * (ar + la):
            return "en"
        return "und"

    @staticmethod
    def length_ok(text):
        return len(text) <= 140

    # ---------------- choose --------------------------------------------
    def pick_author(self, langcat, rng, exclude=()):
        items = []
        for a in self.accounts:
            if a is self.reporter or a.key in exclude:
                continue
            w = a.activity * a.langs[{"ar": 0, "en": 1, "mx": 2}[langcat]]
            if w > 0:
                items.append((a, w))
        return weighted(rng, items)

    def pick_langcat(self, author, rng):
        return weighted(rng, [("ar", author.langs[0]), ("en", author.langs[1]), ("mx", author.langs[2])])

    def active_event(self, ms):
        for onset, _a, _r, _f, key, *_ in EVENTS:
            o = int(onset.timestamp() * 1000)
            if o <= ms < o + 24 * 3_600_000:
                return key, 0.5
            if o + 24 * 3_600_000 <= ms < o + 72 * 3_600_000:
                return key, 0.2
        return None, 0.0

    def pick_topic(self, author, ms, rng):
        ev, p = self.active_event(ms)
        if ev and rng.random() < p and author.role not in ("sectarian_s", "sectarian_sh"):
            return ev
        t = utc(ms)
        weights = dict(ROLE_TOPICS[author.role])
        early = t < dt.datetime(2016, 11, 20, tzinfo=dt.timezone.utc) or \
            dt.datetime(2017, 2, 15, tzinfo=dt.timezone.utc) <= t < dt.datetime(2017, 3, 1, tzinfo=dt.timezone.utc)
        if "coming" in weights:
            weights["coming"] *= 2.5 if early else 0.4
        if "hashd" in weights and not t < dt.datetime(2016, 12, 15, tzinfo=dt.timezone.utc):
            weights["hashd"] *= 0.5
        if "celebration" in weights and t < dt.datetime(2016, 11, 1, tzinfo=dt.timezone.utc):
            weights["celebration"] *= 0.2
        return weighted(rng, list(weights.items()))

    def compose_original(self, author, ms, langcat, rng, needs_match, avoid_match=False):
        for _ in range(60):
            if avoid_match:
                topic = "offtopic"
                pool = OFFTOPIC[langcat] or OFFTOPIC["en"]
            else:
                topic = self.pick_topic(author, ms, rng)
                bank = T[topic]
                if not bank.get(langcat):
                    langcat = "ar" if bank.get("ar") and author.langs[0] > 0 else "en"
                pool = bank.get(langcat) or bank.get("ar") or bank.get("en")
            tpl = rng.choice(pool)
            urls = {}
            text = self.fill(tpl, ms, author, rng, urls)
            # people often say two or three things in one post, up to the limit
            goal = rng.randint(110, 140) if rng.random() < 0.7 else 0
            plain = [x for x in pool if "{url}" not in x]
            for _ in range(6):
                if len(text) >= goal or "{url}" in tpl:
                    break
                more = self.fill(rng.choice(plain), ms, author, rng, urls)
                for tag in re.findall(r"#\w+", text):
                    more = re.sub(r"\s*" + re.escape(tag) + r"(?!\w)", "", more).strip()
                if len(more) < 8:
                    continue
                sep = weighted(rng, [(" ", 0.5), ("\n", 0.2), ("\n\n", 0.15), (" | ", 0.15)])
                if sep == " " and re.search(r"#\w+$", text):
                    sep = "\n"
                elif sep == " " and text[-1] not in ".!?؟…:،,":
                    sep = ". "
                if more not in text and len(text) + len(sep) + len(more) <= 132:
                    text += sep + more
            # and hashtags, sometimes several
            if not avoid_match and rng.random() < 0.35:
                extra = {"ar": ["#الموصل", "#تحرير_الموصل", "#نينوى", "#العراق", "#داعش"],
                         "en": ["#Mosul", "#Iraq", "#FreeMosul", "#MosulOffensive", "#ISIS"],
                         "mx": ["#Mosul", "#الموصل", "#Iraq", "#FreeMosul", "#العراق"]}[langcat]
                tags = [t for t in rng.sample(extra, rng.randint(1, 3)) if t not in text]
                if tags:
                    text += " " + " ".join(tags)
            text = self.finish_text(text, langcat, rng, needs_match, allow_variants=True)
            if avoid_match and matches_query(text):
                continue
            if not self.length_ok(text):
                continue
            return text, urls, topic, langcat
        raise RuntimeError("could not compose")

    def compose_from(self, bank, author, ms, langcat, rng, needs_match, prefix="", suffix="", avoid_match=False,
                     max_len=140):
        for _ in range(80):
            pool = bank.get(langcat) or bank["en"]
            if needs_match and rng.random() < 0.35:
                pool = CHATTER_MATCHING.get(langcat) or pool
            urls = {}
            body = self.fill(rng.choice(pool), ms, author, rng, urls)
            body = self.finish_text(body, langcat, rng, False)
            text = prefix + body + suffix
            if needs_match and not matches_query(text):
                tag = " #Mosul" if langcat == "en" else " #الموصل"
                text = prefix + body + tag + suffix
            if avoid_match and matches_query(text):
                continue
            if len(text) <= max_len:
                return text, urls
        raise RuntimeError("could not compose reply")

    # ---------------- main generation ---------------------------------
    def generate(self):
        rng = self.rng
        trng = random.Random(f"{SEED}-times")
        # slots with oversupply; trimmed to the exact sizes afterwards
        slots = [(ms, "reporter") for ms in self.sample_times(975, trng)]
        slots += [(ms, "other") for ms in self.sample_times(5330, trng)]
        slots += [(ms, "uncollected") for ms in self.sample_times(520, trng)]
        for spec in RARE_POSTS:
            slots.append((to_ms(spec[1]) + trng.randrange(60_000), ("rare", spec)))
        for spec in DESIGNATED:
            slots.append((to_ms(spec[1]) + trng.randrange(1000), ("designated", spec)))
        slots.sort(key=lambda s: (s[0], str(s[1])))
        recent = []   # posts of the last 72 hours
        for ms, what in slots:
            while recent and recent[0].ms < ms - 72 * 3_600_000:
                recent.pop(0)
            if isinstance(what, tuple):
                p = self.make_special(ms, what, rng)
            else:
                p = self.make_post(ms, what, recent, rng)
            if p is None:
                continue
            self.posts.append(p)
            recent.append(p)
        return self

    def new_post(self, ms, author, kind, cls, **kw):
        pid = self.ids.snowflake(ms)
        src = self.pick_source(author)
        return Post(id=pid, ms=ms, author=author, kind=kind, cls=cls, source=src, **kw)

    def pick_source(self, author):
        rng = random.Random(f"{SEED}-src-{author.username}-{len(self.posts)}")
        name = weighted(rng, ROLE_SOURCES.get(author.role, DEFAULT_SOURCES))
        if name == "own":
            dom = OUTLET_DOMAINS.get(author.username, "example.com")
            return (OUTLET_APPS.get(author.username, "Newsroom"), f"https://{dom}")
        return SOURCES[name]

    def make_special(self, ms, what, rng):
        kind, spec = what
        if kind == "rare":
            akey, _when, langcat, tpl, scene, word = spec
            author = self.by_key[akey]
            urls = {}
            text = self.fill(tpl, ms, author, rng, urls)
            cls = "reporter" if author is self.reporter else "other"
            p = self.new_post(ms, author, "original", cls, raw=text, langcat=langcat, urls=urls, topic="rare")
            p.lang = self.lang_of(text, langcat)
            p.flags |= {"rare", "keep", "locked"}
            if scene:
                p.flags.add("photo")
                p.scene = scene
            return p
        akey, _when, langcat, text, scenes, key = spec
        author = self.by_key[akey]
        cls = "reporter" if author is self.reporter else "other"
        if langcat == "rt":
            target = self.designated[text]
            p = self.new_post(ms, author, "retweet", cls, raw=None, langcat=target.langcat, target=target,
                              topic="rt")
            p.lang = target.lang
            target.refs_in.append(p)
            self.retweeted.add((author.id, target.id))
            p.flags |= {"keep", "designated"}
            self.designated[key] = p
            return p
        p = self.new_post(ms, author, "original", cls, raw=text, langcat=langcat, urls={}, topic="designated")
        p.lang = self.lang_of(text, langcat)
        p.flags |= {"keep", "designated"}
        if scenes:
            p.flags.add("photo")
            p.scene = scenes[0]
        self.designated[key] = p
        return p

    def target_weight(self, p, ms, hub_bonus=1.0):
        age_h = (ms - p.ms) / 3_600_000
        w = p.author.influence * math.exp(-age_h / 14.0)
        if p.author is self.reporter:
            w *= hub_bonus
        if "designated" in p.flags:
            w *= 6
        return w

    def eligible(self, p, who, for_kind):
        if "locked" in p.flags or p.author is who:
            return False
        if for_kind == "retweet":
            return p.kind in ("original", "quote")
        if for_kind == "reply" and self.conv_size.get(p.root.id, 1) >= 5:
            return False
        return p.kind != "retweet"

    def make_post(self, ms, cls, recent, rng):
        if cls == "reporter":
            author = self.reporter
            kind = weighted(rng, [("original", 0.58), ("reply", 0.18), ("retweet", 0.18), ("quote", 0.06)])
        elif cls == "other":
            kind = weighted(rng, [("original", 0.60), ("retweet", 0.24), ("reply", 0.11), ("quote", 0.05)])
            author = None
        else:
            kind = weighted(rng, [("original", 0.62), ("reply", 0.38)])
            author = None
        needs_match = cls == "other"
        avoid = cls == "uncollected"

        if kind == "retweet":
            if cls == "reporter" and rng.random() < 0.3:
                cands = [(p, self.target_weight(p, ms)) for p in recent
                         if p.cls == "uncollected" and p.kind == "original"]
            else:
                cands = [(p, self.target_weight(p, ms)) for p in recent
                         if self.eligible(p, author, "retweet") and p.match and p.cls != "uncollected"]
            if cls == "reporter":
                # a reporter does not amplify sectarian accounts, nor retweet twice
                cands = [(p, w) for p, w in cands if not p.author.role.startswith("sectarian")
                         and (self.reporter.id, p.id) not in self.retweeted]
            if author is None:
                # choose the target first, then someone who would retweet it
                cands = [(p, w) for p, w in cands]
            if cands:
                target = weighted(rng, cands)
                if author is None:
                    for _ in range(5):
                        author = self.pick_author(target.langcat, rng, exclude=(target.author.key,))
                        if (author.id, target.id) not in self.retweeted:
                            break
                if target.author is author or (author.id, target.id) in self.retweeted:
                    kind = "original"
                else:
                    p = self.new_post(ms, author, "retweet", cls, raw=None, langcat=target.langcat, target=target,
                                      topic="rt")
                    p.lang = target.lang
                    target.refs_in.append(p)
                    self.retweeted.add((author.id, target.id))
                    return p
            else:
                kind = "original"

        if kind in ("reply", "quote"):
            target = None
            if kind == "reply" and cls == "reporter" and rng.random() < 0.45:
                own = [p for p in recent if p.author is self.reporter and p.kind in ("original", "reply")
                       and p.depth < 4 and ms - p.ms < 3 * 3_600_000 and "locked" not in p.flags
                       and self.conv_size.get(p.root.id, 1) < 5
                       and (p.kind == "original" or p.target.author is self.reporter)]
                if own:
                    target = own[-1]
            if target is None:
                hub = 4.0 if cls != "reporter" else 1.0
                pool = recent
                if cls == "reporter" and kind == "reply":
                    # answer people who answered him first
                    answers = [p for p in recent if p.kind == "reply" and p.target is not None
                               and p.target.author is self.reporter and p.author is not self.reporter
                               and p.depth < 4 and "locked" not in p.flags]
                    if answers and rng.random() < 0.6:
                        pool = answers
                cands = [(p, self.target_weight(p, ms, hub)) for p in pool
                         if self.eligible(p, author, kind) and p.depth < 4 and p.deleted_ms is None]
                if kind == "quote":
                    cands = [(p, w) for p, w in cands if p.cls != "uncollected" or cls == "reporter"]
                if cands:
                    target = weighted(rng, cands)
            if target is None:
                kind = "original"
            else:
                if author is None:
                    lc0 = target.langcat if rng.random() < 0.7 else weighted(rng, [("ar", .55), ("en", .35), ("mx", .1)])
                    author = self.pick_author(lc0, rng, exclude=(target.author.key,))
                if author is target.author and not (author is self.reporter and kind == "reply"):
                    kind = "original"
                else:
                    langcat = target.langcat if rng.random() < 0.7 else self.pick_langcat(author, rng)
                    if author.langs[{"ar": 0, "en": 1, "mx": 2}[langcat]] == 0:
                        langcat = self.pick_langcat(author, rng)
                    if kind == "reply":
                        handles = [target.author.username]
                        if target.root.author is not target.author and target.root.author is not author \
                                and rng.random() < 0.5:
                            handles.append(target.root.author.username)
                        if author.username in handles:
                            handles.remove(author.username)
                        prefix = "".join("@" + h + " " for h in handles)
                        if author is self.reporter and target.author is self.reporter:
                            bank = THREAD_CONT
                        elif author is self.reporter:
                            bank = REPORTER_REPLY
                        else:
                            bank = CHATTER
                        text, urls = self.compose_from(bank, author, ms, langcat, rng, needs_match, prefix=prefix,
                                                       avoid_match=avoid)
                        p = self.new_post(ms, author, "reply", cls, raw=text, langcat=langcat, target=target,
                                          root=target.root, depth=target.depth + 1, urls=urls, topic="reply")
                        self.conv_size[target.root.id] = self.conv_size.get(target.root.id, 1) + 1
                    else:
                        qurl = self.tco.new()
                        text, urls = self.compose_from(QUOTE_COMMENT, author, ms, langcat, rng, needs_match,
                                                       suffix=" " + qurl, max_len=140)
                        urls[qurl] = f"https://twitter.com/{target.author.username}/status/{target.id}"
                        p = self.new_post(ms, author, "quote", cls, raw=text, langcat=langcat, target=target,
                                          urls=urls, topic="quote")
                    p.lang = self.lang_of(text, langcat)
                    target.refs_in.append(p)
                    return p

        # original
        if author is None:
            langcat = weighted(rng, [("ar", 0.60), ("en", 0.31), ("mx", 0.09)])
            author = self.pick_author(langcat, rng)
        else:
            langcat = self.pick_langcat(author, rng)
        text, urls, topic, langcat = self.compose_original(author, ms, langcat, rng, needs_match, avoid_match=avoid)
        p = self.new_post(ms, author, "original", cls, raw=text, langcat=langcat, urls=urls, topic=topic)
        p.lang = self.lang_of(text, langcat)
        return p

    # ---------------- after generation --------------------------------
    def finalise(self):
        rng = random.Random(f"{SEED}-finalise")
        posts = list(self.posts)

        def prune():
            # uncollected posts nobody refers to vanish (iteratively)
            while True:
                gone = [p for p in posts if p.cls == "uncollected" and not p.refs_in]
                if not gone:
                    return
                ids_ = set(p.id for p in gone)
                for p in gone:
                    if p.target is not None and p in p.target.refs_in:
                        p.target.refs_in.remove(p)
                posts[:] = [p for p in posts if p.id not in ids_]

        # 1. uncollected posts nobody refers to vanish
        prune()

        # 2. deleted reporter posts
        rep_cands = [p for p in posts if p.author is self.reporter and p.kind == "original" and not p.refs_in
                     and not p.flags & {"keep"} and p.match]
        deleted = sorted(rng.sample(rep_cands, N_DELETED), key=lambda p: p.ms)
        for p in deleted:
            p.deleted_ms = p.ms + rng.randrange(8 * 60_000, 3 * 86_400_000)
            p.flags |= {"deleted", "keep", "locked"}
        deleted[2].flags.add("photo")
        deleted[2].scene = "smoke"
        # 3. two replies (collected) to deleted posts: the harvest can't find
        #    their originals and reports them in "errors"
        extra = []
        for dp, akey, lc in ((deleted[1], "hadbawi", "ar"), (deleted[5], "frost", "en")):
            author = self.by_key[akey]
            ms = dp.ms + rng.randrange(2 * 60_000, 40 * 60_000)
            text, urls = self.compose_from(CHATTER_MATCHING, author, ms, lc, rng, True,
                                           prefix="@" + self.reporter.username + " ")
            p = self.new_post(ms, author, "reply", "other", raw=text, langcat=lc, target=dp, root=dp, depth=1,
                              urls=urls, topic="reply")
            p.lang = self.lang_of(text, lc)
            p.flags |= {"keep", "reply_to_deleted"}
            dp.refs_in.append(p)
            extra.append(p)
        posts.extend(extra)
        posts.sort(key=lambda p: (p.ms, p.id))

        # 4. trim to the exact sizes, removing only posts nothing refers to
        def trim(pred, n):
            while True:
                pool = [p for p in posts if pred(p)]
                excess = len(pool) - n
                if excess <= 0:
                    assert excess == 0, f"not enough posts: {len(pool)} < {n}"
                    return
                leaves = [p for p in pool if not p.refs_in and "keep" not in p.flags]
                drop = set(id(p) for p in rng.sample(leaves, min(excess, len(leaves))))
                for p in posts:
                    if id(p) in drop and p.target is not None:
                        p.target.refs_in.remove(p)
                posts[:] = [p for p in posts if id(p) not in drop]

        trim(lambda p: p.author is self.reporter and p.deleted_ms is None, N_ARCHIVE)
        trim(lambda p: p.cls == "other", N_HARVEST - N_OVERLAP)
        # uncollected posts whose only referrer was trimmed
        prune()

        # 5. overlap: reporter posts also in the harvest (must match the query)
        def harvestable(p):
            if p.deleted_ms is not None:
                return False
            if p.kind == "retweet":
                return p.target.cls != "uncollected" and p.target.match
            return p.match
        rep = [p for p in posts if p.author is self.reporter and p.deleted_ms is None]
        cands = [p for p in rep if harvestable(p)]
        must = [p for p in cands if "designated" in p.flags or "rare" in p.flags][:6]
        rest = [p for p in cands if p not in must]
        chosen = must + rng.sample(rest, N_OVERLAP - len(must))
        for p in rep:
            p.in_archive = True
        for p in chosen:
            p.in_harvest = True
        for p in posts:
            if p.cls == "other":
                p.in_harvest = True
        self.posts = posts
        self.deleted = deleted
        self.assign_media(rng)
        self.assign_metrics(rng)
        return self

    def new_media(self, post, rng, scene, local):
        mid = self.ids.snowflake(post.ms - rng.randrange(5_000, 300_000))
        name = base64.urlsafe_b64encode(mid.to_bytes(8, "big") + bytes(rng.randrange(256) for _ in range(3))).decode().rstrip("=")
        if local:
            return Media(mid, name, "png", scene, 240, 160)
        w, h = rng.choice([(1200, 800), (1024, 768), (2048, 1536), (960, 1280), (1280, 720)])
        alt = rng.choice(ALT_TEXTS) if rng.random() < 0.25 else None
        return Media(mid, name, "jpg", scene, w, h, alt)

    def scene_for(self, p, rng):
        t = p.topic or ""
        if t in ("celebration", "ev2", "ev5"):
            return rng.choice(["flag", "flag", "troops"])
        if t in ("civilians",):
            return rng.choice(["road", "camp", "road"])
        if t in ("ev4",):
            return "minaret" if p.ms < EVENTS[3][0].timestamp() * 1000 else "ruins"
        if t in ("history",):
            return rng.choice(["minaret", "river"])
        if utc(p.ms) > dt.datetime(2017, 6, 22, tzinfo=dt.timezone.utc):
            return rng.choice(["ruins", "smoke", "troops"])
        return rng.choice(["troops", "smoke", "skyline", "troops", "river"])

    def attach(self, p, media):
        p.media = media
        p.media_tco = self.tco.new()
        p.raw = p.raw + " " + p.media_tco

    def assign_media(self, rng):
        # designated / rare photo posts
        for p in self.posts:
            if "photo" in p.flags and not p.media:
                self.attach(p, [self.new_media(p, rng, p.scene, True)])
        # reporter originals
        rep_orig = [p for p in self.posts if p.author is self.reporter and p.kind == "original" and not p.media
                    and p.deleted_ms is None and "rare" not in p.flags and p.topic != "offtopic"]
        have = sum(1 for p in self.posts if p.author is self.reporter and p.media and p.deleted_ms is None
                   and p.kind == "original")
        for p in rng.sample(rep_orig, N_REPORTER_PHOTO_POSTS - have):
            n = 2 if rng.random() < 0.1 else 1
            self.attach(p, [self.new_media(p, rng, self.scene_for(p, rng), True) for _ in range(n)])
        # originals the reporter retweeted: local PNGs (the archive carries them)
        rts = [p for p in self.posts if p.author is self.reporter and p.kind == "retweet" and p.deleted_ms is None]
        have_rt = sum(1 for p in rts if p.target.media)
        fit = [p for p in rts if not p.target.media and p.target.kind == "original"
               and "rare" not in p.target.flags and p.target.deleted_ms is None
               and len("RT @" + p.target.author.username + ": " + p.target.raw) + 24 <= 140]
        for p in rng.sample(fit, N_REPORTER_PHOTO_RTS - have_rt):
            o = p.target
            self.attach(o, [self.new_media(o, rng, self.scene_for(o, rng), True)])
        # other people's photos: remote only (never on a post the reporter
        # retweeted: the account archive would have to carry the file)
        rep_rted = set(p.target.id for p in rts)
        others = [p for p in self.posts if p.author is not self.reporter and p.kind == "original" and not p.media
                  and "rare" not in p.flags and len(p.raw) <= 130 and p.id not in rep_rted]
        for p in others:
            if rng.random() < 0.08:
                n = weighted(rng, [(1, 0.85), (2, 0.1), (3, 0.03), (4, 0.02)])
                self.attach(p, [self.new_media(p, rng, self.scene_for(p, rng), False) for _ in range(n)])

    def assign_metrics(self, rng):
        for p in self.posts:
            boost = 1.0
            for onset, *_ in EVENTS:
                if abs(p.ms - onset.timestamp() * 1000) < 2 * 86_400_000:
                    boost = 2.5
            if "designated" in p.flags:
                boost *= 12
            if p.kind == "retweet":
                p.likes = p.rts = 0
                continue
            base = p.author.followers * 0.0015 * boost * (0.5 if p.kind == "reply" else 1.0)
            likes = int(base * math.exp(rng.gauss(0, 0.9)))
            rts = int(likes * math.exp(rng.gauss(-1.2, 0.5)))
            n_rt = sum(1 for r in p.refs_in if r.kind == "retweet")
            p.v2_likes = likes
            p.v2_rts = max(rts, n_rt)
            # the account archive was downloaded later than the harvest
            p.likes = likes + int(likes * rng.uniform(0, 0.04))
            p.rts = p.v2_rts + int(p.v2_rts * rng.uniform(0, 0.02))

    # ---------------- texts of retweets ----------------------------
    @staticmethod
    def rt_raw(p):
        o = p.target
        s = f"RT @{o.author.username}: {o.raw}"
        if len(s) > 140:
            s = s[:139] + "…"
        return s


# --------------------------------------------------------------------------
# entities
# --------------------------------------------------------------------------
class Entities:
    """Entities found in the escaped text, with code-point offsets (as the
    real archive has them: offsets count the HTML-escaped text)."""

    def __init__(self, gen: Generator, text_esc: str, post: Post, url_map: dict):
        self.hashtags, self.mentions, self.urls, self.cashtags, self.media_at = [], [], [], [], None
        cut = text_esc.endswith("…")
        for m in ENTITY_RE.finditer(text_esc):
            s, e = m.start(), m.end()
            if cut and e >= len(text_esc) - 1:
                continue
            tok = m.group(0)
            if tok.startswith("#"):
                if tok[1:].isdigit():
                    continue
                self.hashtags.append((tok[1:], s, e))
            elif tok.startswith("@"):
                acc = gen.by_handle.get(tok[1:].lower())
                if acc is not None:
                    self.mentions.append((acc, s, e))
            elif tok.startswith("$"):
                self.cashtags.append((tok[1:], s, e))
            else:
                if tok in url_map:
                    self.urls.append((tok, url_map[tok], s, e))
                elif tok == post.media_tco or (post.kind == "retweet" and tok == post.target.media_tco):
                    self.media_at = (tok, s, e)


# --------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------
def ytd_dump(o, ind=0):
    """JSON as X's archive writes it: `"key" : value`, 2-space indent,
    `[ ]` for empty arrays, raw UTF-8."""
    pad = " " * ind
    if isinstance(o, dict):
        if not o:
            return "{ }"
        items = [f'{pad}  {json.dumps(k, ensure_ascii=False)} : {ytd_dump(v, ind + 2)}' for k, v in o.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(o, list):
        if not o:
            return "[ ]"
        items = [pad + "  " + ytd_dump(v, ind + 2) for v in o]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(o, ensure_ascii=False)


def jackson_dump(o, ind=0):
    """The manifest's style (Jackson's default pretty printer)."""
    pad = " " * ind
    if isinstance(o, dict):
        if not o:
            return "{ }"
        items = [f'{pad}  {json.dumps(k, ensure_ascii=False)} : {jackson_dump(v, ind + 2)}' for k, v in o.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(o, list):
        if not o:
            return "[ ]"
        return "[ " + ", ".join(jackson_dump(v, ind) for v in o) + " ]"
    return json.dumps(o, ensure_ascii=False)


class Writer:
    def __init__(self, gen: Generator, out: Path):
        self.g = gen
        self.out = out
        self.arch = out / "account-archive"
        self.data = self.arch / "data"

    # ---- shared ----
    def text_of(self, p):
        raw = Generator.rt_raw(p) if p.kind == "retweet" else p.raw
        return html.escape(raw, quote=False)

    def url_map_of(self, p):
        if p.kind == "retweet":
            return p.target.urls
        return p.urls

    def media_owner(self, p):
        """(post whose media is shown, is it a retweet of it)"""
        if p.kind == "retweet":
            return p.target
        return p

    # ---- account archive ----
    def archive_media_entity(self, p, owner, m, tco, s, e):
        d = {"expanded_url": f"https://twitter.com/{owner.author.username}/status/{owner.id}/photo/1"}
        if owner is not p:
            d["source_status_id"] = str(owner.id)
        d["indices"] = [str(s), str(e)]
        d["url"] = tco
        d["media_url"] = f"http://pbs.twimg.com/media/{m.name}.{m.ext}"
        d["id_str"] = str(m.id)
        if owner is not p:
            d["source_user_id"] = str(owner.author.id)
        d["id"] = str(m.id)
        d["media_url_https"] = m.url
        if owner is not p:
            d["source_user_id_str"] = str(owner.author.id)
        d["sizes"] = {
            "small": {"w": str(m.width), "h": str(m.height), "resize": "fit"},
            "large": {"w": str(m.width), "h": str(m.height), "resize": "fit"},
            "medium": {"w": str(m.width), "h": str(m.height), "resize": "fit"},
            "thumb": {"w": "150", "h": "150", "resize": "crop"},
        }
        d["type"] = "photo"
        if owner is not p:
            d["source_status_id_str"] = str(owner.id)
        d["display_url"] = "pic.twitter.com/" + tco.rsplit("/", 1)[1]
        return d

    def archive_tweet(self, p):
        text = self.text_of(p)
        ents = Entities(self.g, text, p, self.url_map_of(p))
        owner = self.media_owner(p)
        e = {
            "hashtags": [{"text": t, "indices": [str(s), str(e_)]} for t, s, e_ in ents.hashtags],
            "symbols": [{"text": t, "indices": [str(s), str(e_)]} for t, s, e_ in ents.cashtags],
            "user_mentions": [{"name": a.name, "screen_name": a.username, "indices": [str(s), str(e_)],
                               "id_str": str(a.id), "id": str(a.id)} for a, s, e_ in ents.mentions],
            "urls": [{"url": u, "expanded_url": x, "display_url": display_url(x), "indices": [str(s), str(e_)]}
                     for u, x, s, e_ in ents.urls],
        }
        media = []
        if owner.media and ents.media_at:
            tco, s, e_ = ents.media_at
            media = [self.archive_media_entity(p, owner, m, tco, s, e_) for m in owner.media]
            e["media"] = media[:1]
        t = {}
        t["edit_info"] = {"initial": {"editTweetIds": [str(p.id)], "editableUntil": iso_z(p.ms + 3_600_000),
                                      "editsRemaining": "5", "isEditEligible": False}}
        t["retweeted"] = False
        t["source"] = f'<a href="{p.source[1]}" rel="nofollow">{p.source[0]}</a>'
        t["entities"] = e
        t["display_text_range"] = ["0", str(len(text))]
        t["favorite_count"] = str(p.likes)
        if p.kind == "reply":
            t["in_reply_to_status_id_str"] = str(p.target.id)
        t["id_str"] = str(p.id)
        if p.kind == "reply":
            t["in_reply_to_user_id"] = str(p.target.author.id)
        t["truncated"] = False
        t["retweet_count"] = str(p.rts)
        t["id"] = str(p.id)
        if p.kind == "reply":
            t["in_reply_to_status_id"] = str(p.target.id)
        if e["urls"] or media:
            t["possibly_sensitive"] = False
        t["created_at"] = twitter_time(p.ms)
        t["favorited"] = False
        t["full_text"] = text
        t["lang"] = p.lang
        if p.kind == "reply":
            t["in_reply_to_screen_name"] = p.target.author.username
            t["in_reply_to_user_id_str"] = str(p.target.author.id)
        if media:
            t["extended_entities"] = {"media": media}
        if p.deleted_ms is not None:
            t["deleted_at"] = twitter_time(p.deleted_ms)
        return {"tweet": t}, (owner.media if media else [])

    def write_archive(self, pngs):
        g = self.g
        if self.arch.exists():
            shutil.rmtree(self.arch)
        (self.data / "tweets_media").mkdir(parents=True)
        (self.data / "deleted_tweets_media").mkdir(parents=True)
        files = {}
        rep = g.reporter
        acc = [{"account": {"email": "rami.nadhim@example.org", "createdVia": "web", "username": rep.username,
                            "accountId": str(rep.id), "createdAt": iso_z(rep.created_ms)[:-5] + f".{rep.created_ms % 1000:03d}Z",
                            "accountDisplayName": rep.name}}]
        files["account.js"] = "window.YTD.account.part0 = " + ytd_dump(acc)
        tweets, deleted, media_files, deleted_media = [], [], [], []
        arch_posts = sorted([p for p in g.posts if p.in_archive], key=lambda p: (-p.ms, -p.id))
        for p in arch_posts:
            obj, media = self.archive_tweet(p)
            tweets.append(obj)
            for m in media:
                media_files.append((f"{p.id}-{m.name}.{m.ext}", m))
        for p in sorted(g.deleted, key=lambda p: (-p.ms, -p.id)):
            obj, media = self.archive_tweet(p)
            deleted.append(obj)
            for m in media:
                deleted_media.append((f"{p.id}-{m.name}.{m.ext}", m))
        files["tweets.js"] = "window.YTD.tweets.part0 = " + ytd_dump(tweets)
        files["deleted-tweets.js"] = "window.YTD.deleted_tweets.part0 = " + ytd_dump(deleted)
        files["note-tweet.js"] = "window.YTD.note_tweet.part0 = [ ]"
        files["README.txt"] = (
            "Fictional sample archive made for archive-viewer (see archives/README.md).\n"
            "Shaped like an X (Twitter) account archive; every account, post and picture is invented.\n")
        size = 0
        for name, mm in media_files:
            b = pngs(mm)
            (self.data / "tweets_media" / name).write_bytes(b)
            size += len(b)
        for name, mm in deleted_media:
            b = pngs(mm)
            (self.data / "deleted_tweets_media" / name).write_bytes(b)
            size += len(b)
        for content in files.values():
            size += len(content.encode("utf-8"))
        manifest = {
            "userInfo": {"accountId": str(rep.id), "userName": rep.username, "displayName": rep.name},
            "archiveInfo": {"sizeBytes": str(size), "generationDate": "2023-05-14T09:31:07.412Z",
                            "isPartialArchive": False, "maxPartSizeBytes": "53687091200"},
            "readmeInfo": {"fileName": "data/README.txt", "directory": "data/", "name": "README.txt"},
            "dataTypes": {
                "account": {"files": [{"fileName": "data/account.js", "globalName": "YTD.account.part0", "count": "1"}]},
                "deletedTweets": {"mediaDirectory": "data/deleted_tweets_media",
                                  "files": [{"fileName": "data/deleted-tweets.js", "globalName": "YTD.deleted_tweets.part0",
                                             "count": str(len(deleted))}]},
                "deletedTweetsMedia": {"mediaDirectory": "data/deleted_tweets_media"},
                "noteTweet": {"files": [{"fileName": "data/note-tweet.js", "globalName": "YTD.note_tweet.part0", "count": "0"}]},
                "tweets": {"mediaDirectory": "data/tweets_media",
                           "files": [{"fileName": "data/tweets.js", "globalName": "YTD.tweets.part0", "count": str(len(tweets))}]},
                "tweetsMedia": {"mediaDirectory": "data/tweets_media"},
            },
        }
        files["manifest.js"] = "window.__THAR_CONFIG = " + jackson_dump(manifest)
        for name, content in files.items():
            (self.data / name).write_bytes(content.encode("utf-8"))
        return {"tweets": len(tweets), "deleted": len(deleted), "media_files": len(media_files),
                "deleted_media_files": len(deleted_media)}

    # ---- v2 harvest ----
    def v2_tweet(self, p):
        text = self.text_of(p)
        ents = Entities(self.g, text, p, self.url_map_of(p))
        d = {"id": str(p.id), "text": text, "author_id": str(p.author.id), "created_at": iso_z(p.ms),
             "lang": p.lang, "source": p.source[0], "possibly_sensitive": False, "reply_settings": "everyone",
             "edit_history_tweet_ids": [str(p.id)],
             "conversation_id": str(p.root.id if p.kind == "reply" else p.id)}
        if p.kind == "retweet":
            o = p.target
            d["public_metrics"] = {"retweet_count": o.v2_rts, "reply_count": 0, "like_count": 0, "quote_count": 0}
        else:
            n_rep = sum(1 for r in p.refs_in if r.kind == "reply")
            n_q = sum(1 for r in p.refs_in if r.kind == "quote")
            d["public_metrics"] = {"retweet_count": p.v2_rts, "like_count": p.v2_likes,
                                   "reply_count": n_rep + (p.id % 3 if p.v2_likes > 20 else 0),
                                   "quote_count": n_q + (p.id % 2 if p.v2_likes > 50 else 0)}
        e = {}
        if ents.hashtags:
            e["hashtags"] = [{"start": s, "end": e_, "tag": t} for t, s, e_ in ents.hashtags]
        if ents.mentions:
            e["mentions"] = [{"start": s, "end": e_, "username": a.username, "id": str(a.id)} for a, s, e_ in ents.mentions]
        if ents.cashtags:
            e["cashtags"] = [{"start": s, "end": e_, "tag": t} for t, s, e_ in ents.cashtags]
        urls = []
        for u, x, s, e_ in ents.urls:
            item = {"start": s, "end": e_, "url": u, "expanded_url": x, "display_url": display_url(x)}
            if "/status/" not in x and (p.id >> 3) % 2 == 0:
                item["status"] = 200
                item["unwound_url"] = x
            urls.append(item)
        owner = self.media_owner(p)
        if owner.media and ents.media_at:
            tco, s, e_ = ents.media_at
            urls.append({"start": s, "end": e_, "url": tco,
                         "expanded_url": f"https://twitter.com/{owner.author.username}/status/{owner.id}/photo/1",
                         "display_url": "pic.twitter.com/" + tco.rsplit("/", 1)[1], "media_key": owner.media[0].key})
        if urls:
            urls.sort(key=lambda x: x["start"])
            e["urls"] = urls
        if e:
            d["entities"] = e
        if p.kind == "reply":
            d["in_reply_to_user_id"] = str(p.target.author.id)
            d["referenced_tweets"] = [{"type": "replied_to", "id": str(p.target.id)}]
        elif p.kind == "retweet":
            d["referenced_tweets"] = [{"type": "retweeted", "id": str(p.target.id)}]
        elif p.kind == "quote":
            d["referenced_tweets"] = [{"type": "quoted", "id": str(p.target.id)}]
        if p.media and p.kind != "retweet":
            d["attachments"] = {"media_keys": [m.key for m in p.media]}
        return d

    def v2_user(self, a):
        d = {"id": str(a.id), "name": a.name, "username": a.username, "created_at": iso_z(a.created_ms),
             "description": a.description, "protected": False, "verified": a.verified, "url": "",
             "profile_image_url": a.profile_image,
             "public_metrics": {"followers_count": a.followers, "following_count": a.following,
                                "tweet_count": a.tweet_count, "listed_count": a.listed}}
        if a.location:
            d["location"] = a.location
        tags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in re.finditer(r"#(\w+)", a.description)]
        if tags:
            d["entities"] = {"description": {"hashtags": tags}}
        return d

    def v2_media(self, m):
        d = {"media_key": m.key, "type": "photo", "url": m.url, "width": m.width, "height": m.height}
        if m.alt:
            d["alt_text"] = m.alt
        return d

    def write_harvest(self):
        g = self.g
        data = sorted([p for p in g.posts if p.in_harvest], key=lambda p: (-p.ms, -p.id))
        assert len(data) == N_HARVEST, len(data)
        params = [
            ("expansions", "author_id,in_reply_to_user_id,referenced_tweets.id,referenced_tweets.id.author_id,"
                           "entities.mentions.username,attachments.poll_ids,attachments.media_keys,geo.place_id"),
            ("user.fields", "created_at,description,entities,id,location,name,pinned_tweet_id,profile_image_url,"
                            "protected,public_metrics,url,username,verified,withheld"),
            ("tweet.fields", "attachments,author_id,context_annotations,conversation_id,created_at,"
                             "edit_history_tweet_ids,entities,geo,id,in_reply_to_user_id,lang,public_metrics,text,"
                             "possibly_sensitive,referenced_tweets,reply_settings,source,withheld"),
            ("media.fields", "alt_text,duration_ms,height,media_key,preview_image_url,type,url,width,public_metrics"),
            ("poll.fields", "duration_minutes,end_datetime,id,options,voting_status"),
            ("place.fields", "contained_within,country,country_code,full_name,geo,id,name,place_type"),
            ("start_time", "2016-10-16T00:00:00+00:00"),
            ("end_time", "2017-07-16T00:00:00+00:00"),
            ("query", "الموصل OR Mosul OR نينوى OR Nineveh OR #FreeMosul OR #تحرير_الموصل OR #قادمون_يا_نينوى "
                      "OR #انقذوا_الموصل_من_الحشد"),
            ("max_results", "100"),
        ]
        rng = random.Random(f"{SEED}-pages")
        tokens = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(43))
                  for _ in range(len(data) // PAGE_SIZE + 1)]
        lines = []
        t0 = to_ms("2022-11-03 14:02:11")
        n_err = 0
        for i in range(0, len(data), PAGE_SIZE):
            page = data[i:i + PAGE_SIZE]
            k = i // PAGE_SIZE
            users, inc_tweets, media, errors = {}, {}, {}, []
            for p in page:
                users.setdefault(p.author.id, p.author)
                if p.target is not None:
                    o = p.target
                    if o.deleted_ms is not None:
                        errors.append({"value": str(o.id), "detail": f"Could not find tweet with referenced_tweets.id: [{o.id}].",
                                       "title": "Not Found Error", "resource_type": "tweet",
                                       "parameter": "referenced_tweets.id", "resource_id": str(o.id),
                                       "type": "https://api.twitter.com/2/problems/resource-not-found"})
                        n_err += 1
                    else:
                        inc_tweets.setdefault(o.id, o)
                        users.setdefault(o.author.id, o.author)
                for m in re.finditer(r"@([A-Za-z0-9_]{1,15})", self.text_of(p)):
                    a = g.by_handle.get(m.group(1).lower())
                    if a is not None:
                        users.setdefault(a.id, a)
                for m in p.media if p.kind != "retweet" else []:
                    media[m.key] = m
            obj = {
                "data": [self.v2_tweet(p) for p in page],
                "includes": {"users": [self.v2_user(a) for a in users.values()],
                             "tweets": [self.v2_tweet(o) for o in inc_tweets.values()]},
                "meta": {"newest_id": str(page[0].id), "oldest_id": str(page[-1].id), "result_count": len(page)},
            }
            if media:
                obj["includes"]["media"] = [self.v2_media(m) for m in media.values()]
            if not obj["includes"]["tweets"]:
                del obj["includes"]["tweets"]
            if errors:
                obj["errors"] = errors
            if i + PAGE_SIZE < len(data):
                obj["meta"]["next_token"] = tokens[k + 1]
            q = list(params) + ([("next_token", tokens[k])] if k else [])
            obj["__twarc"] = {"url": "https://api.twitter.com/2/tweets/search/all?" + urllib.parse.urlencode(q),
                              "version": "2.12.0", "retrieved_at": iso_z(t0 + k * 3100, millis=False)[:-1] + "+00:00"}
            lines.append(json.dumps(obj, sort_keys=True))
        raw = ("\n".join(lines) + "\n").encode("ascii")
        (self.out / "search-harvest.jsonl.gz").write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
        return {"pages": len(lines), "data": len(data), "errors": n_err, "bytes_uncompressed": len(raw)}

    def write_events(self):
        ev = [{"date": onset.date().isoformat(), "title": title, "text": text}
              for onset, _a, _r, _f, _k, title, text in EVENTS]
        (self.out / "events.json").write_text(json.dumps(ev, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------
# pictures: tiny deterministic PNG scenes (no PIL)
# --------------------------------------------------------------------------
class Canvas:
    def __init__(self, w, h, bg=(0, 0, 0)):
        self.w, self.h = w, h
        self.px = bytearray(bytes(bg) * (w * h))

    def hline(self, x0, x1, y, c):
        if y < 0 or y >= self.h:
            return
        x0, x1 = max(0, int(x0)), min(self.w, int(x1))
        if x1 > x0:
            i = (y * self.w + x0) * 3
            self.px[i:i + (x1 - x0) * 3] = bytes(c) * (x1 - x0)

    def rect(self, x0, y0, x1, y1, c):
        for y in range(max(0, int(y0)), min(self.h, int(y1))):
            self.hline(x0, x1, y, c)

    def vgrad(self, y0, y1, c0, c1):
        y0, y1 = int(y0), int(y1)
        for y in range(max(0, y0), min(self.h, y1)):
            f = (y - y0) / max(1, y1 - y0 - 1)
            self.hline(0, self.w, y, tuple(int(a + (b - a) * f) for a, b in zip(c0, c1, strict=True)))

    def circle(self, cx, cy, r, c):
        for y in range(int(cy - r), int(cy + r) + 1):
            dy = y - cy
            if dy * dy <= r * r:
                dx = math.sqrt(r * r - dy * dy)
                self.hline(cx - dx, cx + dx + 1, y, c)

    def poly(self, pts, c):
        ys = [p[1] for p in pts]
        for y in range(max(0, int(min(ys))), min(self.h, int(max(ys)) + 1)):
            yc = y + 0.5
            xs = []
            for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
                if (y0 <= yc < y1) or (y1 <= yc < y0):
                    xs.append(x0 + (yc - y0) * (x1 - x0) / (y1 - y0))
            xs.sort()
            for a, b in zip(xs[::2], xs[1::2], strict=False):  # an odd crossing (a tangent) is dropped
                self.hline(round(a), round(b), y, c)

    def png(self):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3]) for y in range(self.h))

        def chunk(tag, body):
            return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def jitter(rng, c, d=18):
    return tuple(max(0, min(255, v + rng.randint(-d, d))) for v in c)


def draw_scene(scene, seed):
    rng = random.Random(seed)
    W, H = 240, 160
    cv = Canvas(W, H)
    horizon = rng.randint(88, 112)
    dusk = scene in ("skyline", "smoke") and rng.random() < 0.5
    if dusk:
        cv.vgrad(0, horizon, jitter(rng, (64, 52, 104)), jitter(rng, (236, 142, 76)))
    else:
        cv.vgrad(0, horizon, jitter(rng, (96, 150, 210)), jitter(rng, (214, 220, 222)))
    ground = jitter(rng, (186, 160, 118))
    cv.vgrad(horizon, H, ground, tuple(max(0, v - 40) for v in ground))
    if rng.random() < 0.6 and scene not in ("smoke",):
        cv.circle(rng.randint(20, 220), rng.randint(14, 40), rng.randint(7, 12), (250, 236, 180))

    def skyline(base, col, minaret=True):
        x = 0
        while x < W:
            w = rng.randint(10, 26)
            h = rng.randint(8, 34)
            cv.rect(x, base - h, x + w, base, col)
            if rng.random() < 0.25:
                cv.circle(x + w / 2, base - h, w / 3, col)
            x += w + rng.randint(0, 4)
        if minaret:
            mx = rng.randint(30, 210)
            cv.rect(mx, base - 60, mx + 5, base, col)
            cv.circle(mx + 2.5, base - 60, 4, col)

    def soldier(x, base, col):
        cv.rect(x, base - 22, x + 8, base - 6, col)        # body
        cv.rect(x + 1, base - 6, x + 3, base, col)         # legs
        cv.rect(x + 5, base - 6, x + 7, base, col)
        cv.circle(x + 4, base - 26, 4, col)                # head
        cv.rect(x, base - 31, x + 9, base - 28, col)       # helmet brim
        cv.poly([(x + 6, base - 18), (x + 18, base - 24), (x + 19, base - 22), (x + 7, base - 15)], col)  # rifle

    def person(x, base, col, bundle=None):
        cv.rect(x, base - 18, x + 7, base - 5, col)
        cv.rect(x + 1, base - 5, x + 3, base, col)
        cv.rect(x + 4, base - 5, x + 6, base, col)
        cv.circle(x + 3.5, base - 21, 3.5, col)
        if bundle:
            cv.rect(x - 5, base - 16, x, base - 9, bundle)

    def flag(x, y, s=1.0):
        w, h = int(42 * s), int(27 * s)
        cv.rect(x - 2, y, x, y + int(90 * s), (70, 70, 70))
        cv.rect(x, y, x + w, y + h // 3, (206, 17, 38))
        cv.rect(x, y + h // 3, x + w, y + 2 * h // 3, (255, 255, 255))
        cv.rect(x, y + 2 * h // 3, x + w, y + h, (0, 0, 0))
        for k in range(3):
            cx = x + int(w * (0.3 + 0.2 * k))
            cv.rect(cx - 3, y + h // 3 + 2, cx + 3, y + 2 * h // 3 - 2, (0, 122, 61))

    def smoke(x, y, r):
        for k in range(rng.randint(4, 7)):
            g = rng.randint(70, 140)
            cv.circle(x + rng.randint(-10, 10) + k * 3, y - k * r * 0.8, r * (1 + k * 0.25), (g, g, g))

    if scene == "troops":
        skyline(horizon, jitter(rng, (150, 140, 130), 10), minaret=rng.random() < 0.5)
        if rng.random() < 0.7:
            vx = rng.randint(120, 180)
            col = jitter(rng, (120, 112, 80))
            cv.rect(vx, horizon + 10, vx + 50, horizon + 30, col)
            cv.rect(vx + 8, horizon + 2, vx + 36, horizon + 12, col)
            cv.circle(vx + 10, horizon + 31, 6, (30, 30, 30))
            cv.circle(vx + 40, horizon + 31, 6, (30, 30, 30))
        col = jitter(rng, (58, 64, 40), 10)
        for k in range(rng.randint(3, 6)):
            soldier(14 + k * 20 + rng.randint(-3, 3), horizon + 42 + rng.randint(-4, 4), col)
    elif scene == "flag":
        skyline(horizon, jitter(rng, (120, 110, 100), 10), minaret=False)
        bx = rng.randint(60, 120)
        cv.rect(bx, horizon - 50, bx + 70, horizon + 6, jitter(rng, (170, 156, 130)))
        for wy in range(horizon - 42, horizon, 14):
            for wx in range(bx + 6, bx + 64, 14):
                cv.rect(wx, wy, wx + 6, wy + 8, (60, 60, 70))
        flag(bx + 30, horizon - 95, 1.0)
        col = jitter(rng, (50, 50, 45))
        for k in range(rng.randint(2, 5)):
            person(10 + k * 18, horizon + 40, col)
    elif scene in ("skyline", "smoke"):
        skyline(horizon, jitter(rng, (40, 36, 44), 8))
        for _ in range(1 if scene == "skyline" else rng.randint(2, 3)):
            smoke(rng.randint(30, 210), horizon - 10, rng.randint(7, 12))
    elif scene == "camp":
        for row in range(3):
            y = horizon + 12 + row * 16
            for k in range(8 - row):
                x = 8 + k * 30 + row * 12
                c = jitter(rng, (236, 236, 228), 8)
                cv.poly([(x, y), (x + 12, y - 12), (x + 24, y)], c)
                cv.poly([(x + 12, y - 12), (x + 24, y), (x + 14, y)], jitter(rng, (200, 200, 196), 6))
        cv.rect(0, horizon + 4, W, horizon + 5, (110, 110, 110))
        for _ in range(rng.randint(3, 7)):
            person(rng.randint(5, 230), H - 4, jitter(rng, (60, 50, 60), 20))
    elif scene == "road":
        skyline(horizon, jitter(rng, (150, 146, 150), 10), minaret=rng.random() < 0.5)
        cv.poly([(104, horizon), (136, horizon), (200, H), (40, H)], jitter(rng, (120, 118, 112), 8))
        for k in range(rng.randint(5, 9)):
            y = horizon + 16 + k * 6
            x = 70 + rng.randint(0, 90)
            person(x, y + 18, jitter(rng, (50, 40, 50), 30), bundle=jitter(rng, (150, 60, 60), 60))
    elif scene == "minaret":
        skyline(horizon, jitter(rng, (176, 160, 130), 10), minaret=False)
        mx = rng.randint(90, 150)
        col = jitter(rng, (196, 170, 130), 8)
        cv.poly([(mx, horizon), (mx + 14, horizon), (mx + 22, horizon - 90), (mx + 10, horizon - 90)], col)
        for b in range(5):
            y = horizon - 15 - b * 15
            cv.rect(mx + 2 + b * 2, y, mx + 14 + b * 2, y + 3, jitter(rng, (150, 120, 90), 6))
        cv.circle(mx + 16, horizon - 92, 6, col)
        cv.circle(mx - 30, horizon - 2, 18, jitter(rng, (90, 150, 150), 10))
    elif scene == "ruins":
        cv.vgrad(0, horizon, (150, 148, 146), (206, 200, 196))
        smoke(rng.randint(60, 180), horizon - 10, 12)
        col = jitter(rng, (150, 134, 110), 8)
        mx = rng.randint(90, 150)
        cv.poly([(mx, horizon), (mx + 14, horizon), (mx + 16, horizon - 24), (mx + 6, horizon - 30), (mx + 2, horizon - 20)], col)
        for _ in range(12):
            x = rng.randint(0, W - 30)
            cv.poly([(x, horizon + 6), (x + rng.randint(10, 30), horizon + 6), (x + rng.randint(4, 20), horizon - rng.randint(4, 16))],
                    jitter(rng, (130, 116, 96), 20))
    elif scene == "river":
        skyline(horizon - 20, jitter(rng, (110, 110, 120), 10))
        cv.rect(0, horizon - 20, W, horizon + 20, jitter(rng, (70, 110, 140), 10))
        cv.rect(0, horizon - 8, W, horizon - 3, (90, 86, 80))
        for x in range(10, W, 36):
            cv.rect(x, horizon - 3, x + 5, horizon + 14, (90, 86, 80))
    return cv.png()


# --------------------------------------------------------------------------
# coordinated pushes (archive-viewer issue 16): near-copies and re-posts
# --------------------------------------------------------------------------
# Written after everything above, with their own random streams, so the
# two original files stay byte for byte what they were.
CAMPAIGN_DAY = "2016-11-05"
CAMPAIGN_TEXT = ("يا أهل الموصل، ميليشيات الروافض الصفوية على أبواب مدينتكم ولن ترحم أحداً، "
                 "احموا أعراضكم وبيوتكم قبل فوات الأوان #انقذوا_الموصل_من_الحشد #الموصل")
CAMPAIGN_ACCOUNTS = 40
CAMPAIGN_RETWEETS = 12
REPOST_ACCOUNTS = 6
_HANDLE_A = ["Saif", "Nasr", "Jund", "Ahrar", "Fajr", "Sawt", "Liwa", "Ghadab", "Asad", "Sarkha", "Nida", "Difa"]
_HANDLE_B = ["Sunna", "Ninawa", "Hadbaa", "Mawsil", "Jazira", "Umma", "Haqq", "Izza", "Karama", "Thawra"]
_NAME_A = ["صوت", "سيف", "نداء", "صرخة", "أحرار", "فجر", "درع", "ليث", "حماة", "أسود"]
_NAME_B = ["الحدباء", "نينوى", "السنة", "الموصل", "الجزيرة", "الأمة", "الحق", "العزة"]
CAMPAIGN_EMOJI = ["😡", "🔥", "‼️", "⚠️", "💔", "👇"]


def campaign_edit(rng, text):
    """One small edit, as the accounts of a copy-and-paste push make them."""
    kind = rng.choice(["emoji", "tags", "word", "tatweel", "diacritics", "urgent", "hamza", "drop"])
    if kind == "emoji":
        return text + " " + "".join(rng.choices(CAMPAIGN_EMOJI, k=rng.randint(1, 3)))
    if kind == "tags":
        return text.replace("#انقذوا_الموصل_من_الحشد #الموصل", "#الموصل #انقذوا_الموصل_من_الحشد")
    if kind == "word":
        return text.replace(rng.choice(["الصفوية", "ولن ترحم أحداً", "مدينتكم"]),
                            rng.choice(["الطائفية", "ولا ترحم أحداً", "مدينتنا"]))
    if kind == "tatweel":
        return text.replace("الروافض", "الروافـــض").replace("الموصل،", "الموصـل،")
    if kind == "diacritics":
        return text.replace("يا أهل", "يَا أَهْلَ").replace("قبل فوات", "قَبْلَ فَوَاتِ")
    if kind == "urgent":
        return "عاجل | " + text
    if kind == "hamza":
        return text.replace("أ", "ا").replace("إ", "ا")
    return text.replace(" وبيوتكم", "")


def _campaign_accounts(gen, rng, n, prefix):
    taken = {a.username.lower() for a in gen.accounts}
    out = []
    while len(out) < n:
        handle = f"{rng.choice(_HANDLE_A)}{rng.choice(_HANDLE_B)}{rng.randrange(10, 99)}"
        if handle.lower() in taken:
            continue
        taken.add(handle.lower())
        created = to_ms(f"2016-{rng.randint(8, 10):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:00")
        out.append({"id": gen.ids.user_id(created), "screen_name": handle, "created_ms": created,
                    "name": f"{rng.choice(_NAME_A)} {rng.choice(_NAME_B)}", "followers": rng.randint(3, 400),
                    "prefix": prefix})
    return out


def _v1_user(a):
    return {"id": a["id"], "id_str": str(a["id"]), "screen_name": a["screen_name"], "name": a["name"],
            "created_at": twitter_time(a["created_ms"]), "followers_count": a["followers"],
            "friends_count": 50, "statuses_count": 120, "location": "", "description": ""}


def _v1_status(gen, ms, a, text, lang="ar", retweet_of=None):
    sid = gen.ids.snowflake(ms)
    shown = text if retweet_of is None else f"RT @{retweet_of['user']['screen_name']}: {text}"
    tags = []
    for m in re.finditer(r"#(\w+)", shown):
        tags.append({"text": m.group(1), "indices": [m.start(), m.end()]})
    d = {"created_at": twitter_time(ms), "id": sid, "id_str": str(sid), "full_text": shown, "truncated": False,
         "display_text_range": [0, len(shown)], "lang": lang, "user": _v1_user(a),
         "entities": {"hashtags": tags, "symbols": [], "user_mentions": [], "urls": []},
         "retweet_count": 0, "favorite_count": 0,
         "source": '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>'}
    if retweet_of is not None:
        uid = retweet_of["user"]
        d["entities"]["user_mentions"] = [{"screen_name": uid["screen_name"], "name": uid["name"],
                                           "id": uid["id"], "id_str": uid["id_str"],
                                           "indices": [3, 4 + len(uid["screen_name"])]}]
        d["retweeted_status"] = retweet_of
    return d


def _scaled(cv, w, h):
    """Bilinear resampling of a Canvas (a resized re-post)."""
    out = Canvas(w, h)
    for y in range(h):
        fy = (y + 0.5) * cv.h / h - 0.5
        y0 = min(max(int(fy), 0), cv.h - 1)
        y1 = min(y0 + 1, cv.h - 1)
        ty = min(max(fy - y0, 0.0), 1.0)
        for x in range(w):
            fx = (x + 0.5) * cv.w / w - 0.5
            x0 = min(max(int(fx), 0), cv.w - 1)
            x1 = min(x0 + 1, cv.w - 1)
            tx = min(max(fx - x0, 0.0), 1.0)
            i = (y * w + x) * 3
            for c in range(3):
                a = cv.px[(y0 * cv.w + x0) * 3 + c] * (1 - tx) + cv.px[(y0 * cv.w + x1) * 3 + c] * tx
                b = cv.px[(y1 * cv.w + x0) * 3 + c] * (1 - tx) + cv.px[(y1 * cv.w + x1) * 3 + c] * tx
                out.px[i + c] = int(a * (1 - ty) + b * ty + 0.5)
    return out


def _cropped(cv, left, top, right, bottom):
    out = Canvas(cv.w - left - right, cv.h - top - bottom)
    for y in range(out.h):
        src = ((y + top) * cv.w + left) * 3
        out.px[y * out.w * 3:(y + 1) * out.w * 3] = cv.px[src:src + out.w * 3]
    return out


def _png(cv, level=9, filt=0):
    """PNG of a Canvas with a chosen zlib level and row filter (0 none, 1
    sub): the same picture saved by another program is another file."""
    rows = []
    for y in range(cv.h):
        row = bytes(cv.px[y * cv.w * 3:(y + 1) * cv.w * 3])
        if filt == 1:
            row = bytes([row[i] if i < 3 else (row[i] - row[i - 3]) & 0xFF for i in range(len(row))])
        rows.append(bytes([filt]) + row)

    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", cv.w, cv.h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), level)) + chunk(b"IEND", b""))


def campaign_poster():
    """The pushed picture: a mobilisation poster (banner, slogan blocks,
    armed silhouettes), laid out unlike the sample's landscape scenes."""
    W, H = 240, 160
    cv = Canvas(W, H, (236, 232, 220))
    cv.rect(0, 0, W, 34, (22, 22, 22))
    for k, x in enumerate(range(14, 226, 26)):
        cv.rect(x, 10, x + 16 - (k % 3) * 3, 24, (240, 240, 240))
    cv.rect(0, 34, W, 42, (176, 24, 30))
    cv.poly([(0, 160), (0, 96), (60, 70), (120, 92), (180, 64), (240, 88), (240, 160)], (70, 62, 56))
    for x in (40, 86, 150, 196):
        cv.rect(x, 100, x + 12, 140, (16, 16, 16))
        cv.circle(x + 6, 92, 7, (16, 16, 16))
        cv.poly([(x + 10, 110), (x + 34, 96), (x + 36, 100), (x + 12, 116)], (16, 16, 16))
    cv.rect(0, 146, W, 160, (176, 24, 30))
    cv.rect(70, 48, 170, 58, (22, 22, 22))
    return cv


def plant_campaigns(gen, out):
    """A sectarian text copied with small edits by CAMPAIGN_ACCOUNTS accounts
    in one evening (v1.1 JSON lines, as twarc 1 wrote them) with retweets of
    its first post, and a poster re-posted by REPOST_ACCOUNTS accounts, each
    copy re-encoded, resized or lightly cropped (one small account archive
    per account, the pictures in tweets_media/)."""
    rng = random.Random(f"{SEED}-campaigns")
    accounts = _campaign_accounts(gen, rng, CAMPAIGN_ACCOUNTS, "text")
    start = to_ms(f"{CAMPAIGN_DAY} 17:30")
    lines, firsts = [], None
    for k, a in enumerate(accounts):
        text = CAMPAIGN_TEXT
        for _ in range(rng.randint(0 if k == 0 else 1, 2)):
            text = campaign_edit(rng, text)
        ms = start + k * 150_000 + rng.randrange(120_000)
        status = _v1_status(gen, ms, a, text)
        firsts = firsts or status
        lines.append(status)
    for a in rng.sample(accounts[1:], CAMPAIGN_RETWEETS):
        ms = to_ms(f"{CAMPAIGN_DAY} 22:00") + rng.randrange(3_600_000)
        lines.append(_v1_status(gen, ms, a, firsts["full_text"], retweet_of=firsts))
    lines.sort(key=lambda d: d["id"])
    (out / "campaign-stream.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n"
                                                      for d in lines), encoding="utf-8")

    reposts = out / "reposts"
    if reposts.exists():
        shutil.rmtree(reposts)
    poster = campaign_poster()
    variants = [
        ("original", _png(poster)),
        ("re-encoded", _png(poster, level=1, filt=1)),
        ("resized 75%", _png(_scaled(poster, 180, 120))),
        ("resized 50%", _png(_scaled(poster, 120, 80), level=6)),
        ("cropped 6% left and top", _png(_cropped(poster, 14, 10, 0, 0))),
        ("cropped 5% right, resized", _png(_scaled(_cropped(poster, 0, 0, 12, 0), 160, 112), filt=1)),
    ]
    captions = ["الحشد على أبواب الموصل، انشروا قبل الحذف #انقذوا_الموصل_من_الحشد",
                "شاهدوا ماذا ينتظر أهلنا في نينوى #الموصل",
                "Look what awaits Mosul if the militias enter #SaveMosul",
                "لن نسكت #انقذوا_الموصل_من_الحشد #نينوى",
                "The poster they don't want you to see #Mosul",
                "انشرها في كل مكان #الموصل"]
    posters = _campaign_accounts(gen, rng, REPOST_ACCOUNTS, "photo")
    for k, (a, (_what, png), caption) in enumerate(zip(posters, variants, captions, strict=False)):
        ms = to_ms(f"{CAMPAIGN_DAY} 19:00") + k * 1_800_000 + rng.randrange(600_000)
        sid = gen.ids.snowflake(ms)
        mid = gen.ids.snowflake(ms - 40_000)
        name = base64.urlsafe_b64encode(mid.to_bytes(8, "big") + bytes(rng.randrange(256) for _ in range(3))
                                        ).decode().rstrip("=")
        tco = gen.tco.new()
        text = f"{caption} {tco}"
        tags = [{"text": m.group(1), "indices": [str(m.start()), str(m.end())]} for m in re.finditer(r"#(\w+)", text)]
        media = {"expanded_url": f"https://twitter.com/{a['screen_name']}/status/{sid}/photo/1",
                 "indices": [str(len(caption) + 1), str(len(text))], "url": tco,
                 "media_url": f"http://pbs.twimg.com/media/{name}.png", "id_str": str(mid), "id": str(mid),
                 "media_url_https": f"https://pbs.twimg.com/media/{name}.png", "type": "photo",
                 "display_url": f"pic.twitter.com/{tco[-10:]}",
                 "sizes": {"large": {"w": "240", "h": "160", "resize": "fit"}}}
        tweet = {"edit_info": {"initial": {"editTweetIds": [str(sid)], "editableUntil": iso_z(ms + 3_600_000),
                                           "editsRemaining": "5", "isEditEligible": False}},
                 "retweeted": False, "source": '<a href="http://twitter.com/download/android" rel="nofollow">'
                                               'Twitter for Android</a>',
                 "entities": {"hashtags": tags, "symbols": [], "user_mentions": [], "urls": [], "media": [media]},
                 "display_text_range": ["0", str(len(caption))], "favorite_count": str(rng.randrange(40)),
                 "id_str": str(sid), "truncated": False, "retweet_count": str(rng.randrange(30)), "id": str(sid),
                 "possibly_sensitive": False, "created_at": twitter_time(ms), "favorited": False,
                 "full_text": text, "lang": "en" if caption.isascii() else "ar",
                 "extended_entities": {"media": [media]}}
        data = reposts / a["screen_name"] / "data"
        (data / "tweets_media").mkdir(parents=True)
        (data / "tweets_media" / f"{sid}-{name}.png").write_bytes(png)
        (data / "tweets.js").write_bytes(("window.YTD.tweets.part0 = " + ytd_dump([{"tweet": tweet}])).encode("utf-8"))
        account = {"account": {"email": f"{a['screen_name'].lower()}@example.invalid", "createdVia": "web",
                               "username": a["screen_name"], "accountId": str(a["id"]),
                               "createdAt": iso_z(a["created_ms"]), "accountDisplayName": a["name"]}}
        (data / "account.js").write_bytes(("window.YTD.account.part0 = " + ytd_dump([account])).encode("utf-8"))
    return {"campaign posts (campaign-stream.jsonl)": f"{CAMPAIGN_ACCOUNTS} near-copies by {CAMPAIGN_ACCOUNTS} "
                                                      f"accounts + {CAMPAIGN_RETWEETS} retweets",
            "re-posted poster (reposts/)": f"{len(variants)} account archives: " + ", ".join(v for v, _ in variants)}


# --------------------------------------------------------------------------
# checks and summary
# --------------------------------------------------------------------------
def summarise(gen: Generator, arch_stats, harv_stats, out: Path):
    posts = gen.posts
    arch_ids = [p.id for p in posts if p.in_archive]
    harv_ids = [p.id for p in posts if p.in_harvest]
    overlap = set(arch_ids) & set(harv_ids)
    assert len(arch_ids) == len(set(arch_ids)) == N_ARCHIVE
    assert len(harv_ids) == len(set(harv_ids)) == N_HARVEST
    assert len(overlap) == N_OVERLAP, len(overlap)
    collected = [p for p in posts if p.in_archive or p.in_harvest]
    pairs = [(p.author.id, p.target.id) for p in posts if p.kind == "retweet"]
    assert len(pairs) == len(set(pairs)), "someone retweeted a post twice"
    for p in posts:
        if p.in_harvest and p.kind != "retweet":
            assert p.match, p.raw
        if p.in_harvest and p.kind == "retweet":
            assert p.target.match, p.target.raw
    referenced = set()
    for p in posts:
        if p.in_harvest and p.target is not None and p.target.deleted_ms is None:
            referenced.add(p.target.id)
    collected_ids = set(p.id for p in collected)
    ref_only = [i for i in referenced if i not in collected_ids]
    # retweets of the reporter in the archive with their full original in the harvest
    harvest_has = set(harv_ids)
    for p in posts:
        if p.in_harvest and p.target is not None:
            harvest_has.add(p.target.id)
    rep_rts = [p for p in posts if p.in_archive and p.kind == "retweet"]
    rep_rts_full = [p for p in rep_rts if p.target.id in harvest_has]
    rep_rts_cut = [p for p in rep_rts_full if Generator.rt_raw(p).endswith("…")]

    def kinds(ps):
        return {k: sum(1 for p in ps if p.kind == k) for k in ("original", "reply", "retweet", "quote")}

    # threads
    sizes = {}
    for p in collected:
        if p.kind == "reply":
            sizes[p.root.id] = sizes.get(p.root.id, 1) + 1
    thread_hist = {}
    for v in sizes.values():
        thread_hist[min(v, 6)] = thread_hist.get(min(v, 6), 0) + 1
    langcats = {"ar": 0, "en": 0, "mx": 0}
    langs = {}
    for p in collected:
        langcats[p.langcat] += 1
        langs[p.lang] = langs.get(p.lang, 0) + 1
    # rare words, counted over collected posts (full text of retweets)
    def full(p):
        return p.target.raw if p.kind == "retweet" else p.raw
    rare = {}

    def probe_text(s):
        return norm(URL_OR_MENTION.sub(" ", s))
    for word, probe in RARE_PROBE.items():
        rare[word] = sum(1 for p in collected if probe in probe_text(full(p)))
        everywhere = sum(1 for p in posts if (p.raw and probe in probe_text(p.raw)))
        assert rare[word] == RARE_EXPECT[word] == everywhere, (word, rare[word], everywhere)
    hashtag_forms = {}
    for p in collected:
        for m in re.finditer(r"#(\w+)", full(p)):
            if m.group(1).lower() == "freemosul":
                hashtag_forms[m.group(1)] = hashtag_forms.get(m.group(1), 0) + 1
    sect = {w: sum(1 for p in collected if w in full(p)) for w in ("الروافض", "النواصب")}
    save = sum(1 for p in collected if "#انقذوا_الموصل_من_الحشد" in full(p))
    coming = sum(1 for p in collected if "قادمون يا نينوى" in full(p) or "We're coming, Mosul" in full(p)
                 or "#قادمون_يا_نينوى" in full(p))
    per_day = {}
    for p in collected:
        d = utc(p.ms).date().isoformat()
        per_day[d] = per_day.get(d, 0) + 1
    top_days = sorted(per_day.items(), key=lambda kv: -kv[1])[:8]
    authors = set(p.author.id for p in collected)
    media_remote = sum(len(p.media) for p in posts if p.in_harvest and p.kind != "retweet")
    alt = sum(1 for p in posts if p.in_harvest for m in p.media if m.alt)
    size_total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    s = {
        "account archive tweets.js": N_ARCHIVE,
        "account archive deleted-tweets.js": arch_stats["deleted"],
        "harvest data posts": N_HARVEST,
        "harvest pages (lines)": harv_stats["pages"],
        "overlap (same id in tweets.js and harvest data)": len(overlap),
        "reporter posts in tweets.js found in harvest includes.tweets only":
            len([p for p in posts if p.in_archive and not p.in_harvest and p.id in harvest_has]),
        "distinct collected posts (tweets.js + harvest data)": len(collected_ids),
        "plus deleted posts": len(gen.deleted),
        "referenced-only originals (in includes.tweets, not collected)": len(ref_only),
        "harvest errors (replies to deleted posts)": harv_stats["errors"],
        "kinds, tweets.js": kinds([p for p in posts if p.in_archive]),
        "kinds, harvest data": kinds([p for p in posts if p.in_harvest]),
        "kinds, all collected": kinds(collected),
        "reporter retweets in tweets.js": len(rep_rts),
        "... whose full original the harvest carries": len(rep_rts_full),
        "... of those cut with '…' in the archive": len(rep_rts_cut),
        "threads (root + replies, by size)": dict(sorted(thread_hist.items())),
        "language category (ar/en/mixed)": langcats,
        "lang field": dict(sorted(langs.items())),
        "authors": len(authors),
        "accounts defined": len(gen.accounts),
        "PNG files, tweets_media": arch_stats["media_files"],
        "PNG files, deleted_tweets_media": arch_stats["deleted_media_files"],
        "remote media items in harvest": media_remote,
        "... with alt_text": alt,
        "rare words (collected posts containing them)": rare,
        "#FreeMosul spellings": dict(sorted(hashtag_forms.items())),
        "sectarian slurs": sect,
        "#انقذوا_الموصل_من_الحشد posts": save,
        "We're coming / قادمون يا نينوى posts": coming,
        "busiest days": top_days,
        "first / last": (iso_z(min(p.ms for p in collected)), iso_z(max(p.ms for p in collected))),
        "bytes on disk": size_total,
    }
    return s


def load_ytd(path: Path):
    text = path.read_text(encoding="utf-8")
    prefix, _, body = text.partition("= ")
    assert prefix.startswith("window."), path
    return json.loads(body)


def snowflake_ms(sid: int) -> int:
    return (sid >> 22) + TW_EPOCH


def verify(out: Path):
    """Read everything back as an importer would and check it."""
    data = out / "account-archive" / "data"
    acc = load_ytd(data / "account.js")[0]["account"]
    load_ytd(data / "manifest.js")
    assert load_ytd(data / "note-tweet.js") == []
    arch_ids = []
    n_png = 0
    for fname, media_dir in (("tweets.js", "tweets_media"), ("deleted-tweets.js", "deleted_tweets_media")):
        for item in load_ytd(data / fname):
            t = item["tweet"]
            assert t["id"] == t["id_str"] and isinstance(t["id"], str)
            sid = int(t["id"])
            created = dt.datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y")
            assert abs(snowflake_ms(sid) - created.timestamp() * 1000) < 1000, t["id"]
            assert isinstance(t["favorite_count"], str) and isinstance(t["retweet_count"], str)
            text = t["full_text"]
            assert len(text) == int(t["display_text_range"][1])
            for h in t["entities"]["hashtags"]:
                a, b = map(int, h["indices"])
                assert text[a:b] == "#" + h["text"], (text, h)
            for m in t["entities"]["user_mentions"]:
                a, b = map(int, m["indices"])
                assert text[a:b].lower() == "@" + m["screen_name"].lower(), (text, m)
            for u in t["entities"]["urls"] + t["entities"].get("media", []):
                a, b = map(int, u["indices"])
                assert text[a:b] == u["url"], (text, u)
            for m in t.get("extended_entities", {}).get("media", []):
                f = data / media_dir / f"{t['id']}-{m['media_url_https'].rsplit('/', 1)[1]}"
                head = f.read_bytes()[:24]
                assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24]) == (240, 160), f
                n_png += 1
            if fname == "tweets.js":
                arch_ids.append(t["id"])
            else:
                assert "deleted_at" in t
    assert len(arch_ids) == len(set(arch_ids)) == N_ARCHIVE
    on_disk = sum(1 for _ in (data / "tweets_media").iterdir()) + sum(1 for _ in (data / "deleted_tweets_media").iterdir())
    assert on_disk == n_png, (on_disk, n_png)
    harvest_ids = []
    with gzip.open(out / "search-harvest.jsonl.gz", "rt", encoding="ascii") as fh:
        for line in fh:
            page = json.loads(line)
            media_keys = {m["media_key"] for m in page["includes"].get("media", [])}
            inc = {t["id"] for t in page["includes"].get("tweets", [])}
            users = {u["id"] for u in page["includes"]["users"]}
            missing = {e["resource_id"] for e in page.get("errors", [])}
            assert page["meta"]["result_count"] == len(page["data"])
            for t in page["data"] + page["includes"].get("tweets", []):
                assert isinstance(t["id"], str) and t["author_id"] in users
                created = dt.datetime.strptime(t["created_at"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=dt.timezone.utc)
                assert abs(snowflake_ms(int(t["id"])) - created.timestamp() * 1000) < 1000
                text = t["text"]
                for h in t.get("entities", {}).get("hashtags", []):
                    assert text[h["start"]:h["end"]] == "#" + h["tag"]
                for m in t.get("entities", {}).get("mentions", []):
                    assert text[m["start"]:m["end"]] == "@" + m["username"]
                for u in t.get("entities", {}).get("urls", []):
                    assert text[u["start"]:u["end"]] == u["url"]
            for t in page["data"]:
                harvest_ids.append(t["id"])
                for k in t.get("attachments", {}).get("media_keys", []):
                    assert k in media_keys
                for r in t.get("referenced_tweets", []):
                    assert r["id"] in inc or r["id"] in missing
    assert len(harvest_ids) == len(set(harvest_ids)) == N_HARVEST
    pngs = [f.read_bytes() for f in sorted((data / "tweets_media").iterdir())]
    assert len(set(pngs)) == len(pngs), "two identical pictures"
    assert len(set(harvest_ids) & set(arch_ids)) == N_OVERLAP
    ev = json.loads((out / "events.json").read_text(encoding="utf-8"))
    assert [e["date"] for e in ev] == ["2016-10-17", "2017-01-24", "2017-02-19", "2017-06-21", "2017-07-10"]
    return {"verified": True, "account": acc["username"], "png files checked": n_png}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator().generate().finalise()
    w = Writer(gen, out)
    png_cache = {}

    def pngs(m):
        if m.id not in png_cache:
            png_cache[m.id] = draw_scene(m.scene, f"{SEED}-png-{m.id}")
        return png_cache[m.id]

    arch_stats = w.write_archive(pngs)
    harv_stats = w.write_harvest()
    w.write_events()
    s = summarise(gen, arch_stats, harv_stats, out)
    s.update(verify(out))
    s.update(plant_campaigns(gen, out))
    if not args.quiet:
        for k, v in s.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
