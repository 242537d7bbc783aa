"""The window's benchmark (issue 6), on the search benchmark's collection.

Goals, on the 1,000,000-post collection (bench/make_collection.py):
- window open to first painted rows ≤ 1.5 s (each run in a fresh process);
- each keystroke's update of list, histogram and facets ≤ 150 ms at p95
  (from the search being sent to the list, chart and facets repainted);
- painting a screen of rows while scrolling ≤ 16 ms.

Offscreen (QT_QPA_PLATFORM=offscreen), window 1366×768.

    python bench/ui_bench.py [--posts 1000000] [--runs 5] [--collection DIR]

Prints the figures and writes them to bench/out/ui.json.
"""
from __future__ import annotations

import time

PROCESS_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

SIZE = (1366, 768)
# Typed letter by letter: every prefix is one keystroke's search.
TYPED = ["الموصل", "#تحرير_الموصل", "civilians fleeing", "#FreeMosul", "mosul lang:ar", "qaraqosh",
         "القوات -filter:retweets", "{author}"]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": round(pct(values, 50) * 1000, 1), "p95_ms": round(pct(values, 95) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1) if values else float("nan")}


def _app():  # type: ignore[no-untyped-def]
    from viewer.ui.app import make_app

    return make_app()


def _wait(app, predicate, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEventLoop

    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not answer in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)


def _window(path: Path, settings_dir: str, query: str = ""):  # type: ignore[no-untyped-def]
    from viewer.ui.main_window import MainWindow
    from viewer.ui.settings import Settings

    w = MainWindow(path, Settings.at(str(Path(settings_dir) / "settings.ini")), query=query)
    w.resize(*SIZE)
    return w


# -- window open to first painted rows (one fresh process per run) ----------------

def child_open(path: Path) -> dict[str, float]:
    app = _app()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        w = _window(path, tmp)
        w.show()
        t_shown = time.perf_counter()
        _wait(app, lambda: w.model.rowCount() > 0)
        app.processEvents()  # the window's first layout
        vp = w.timeline.viewport()
        painted = [0]
        w.delegate.painted = painted  # counted by the delegate, so "painted" means rows were drawn
        vp.repaint()
        t1 = time.perf_counter()
        assert painted[0] > 0, "no row was painted"
        # …and the search's own answer (chart and facets too).
        _wait(app, lambda: w.results is not None and w.settled)
        t2 = time.perf_counter()
        out = {"open_to_rows_s": t1 - t0, "open_to_shown_s": t_shown - t0, "rows_painted": painted[0],
               "open_to_search_answer_s": t2 - t0, "process_to_rows_s": t1 - PROCESS_START,
               "rows": w.model.rowCount()}
        w.session.close()
        w.close()
    return out


def measure_open(path: Path, runs: int) -> dict:
    got = []
    for _ in range(runs):
        r = subprocess.run([sys.executable, __file__, "--child-open", str(path)], capture_output=True, text=True,
                           check=True)
        got.append(json.loads(r.stdout.strip().splitlines()[-1]))
    opens = [g["open_to_rows_s"] for g in got]
    return {"runs": got, "window_open_to_rows": summary(opens),
            "process_start_to_rows": summary([g["process_to_rows_s"] for g in got]),
            "window_open_to_search_answer": summary([g["open_to_search_answer_s"] for g in got])}


# -- keystrokes, brushing, facet clicks ------------------------------------------

ROWS_FIRST: list[float] = []  # request → list and chart shown (facets still counting)


def _update(app, w, action) -> tuple[float, bool]:  # type: ignore[no-untyped-def]
    """Time from the request to list, chart and facets repainted."""
    done = []
    rows_at = []
    w.resultsApplied.connect(lambda: done.append(1))
    w.rowsApplied.connect(lambda: rows_at.append(time.perf_counter()))
    t0 = time.perf_counter()
    action()
    _wait(app, lambda: bool(done))
    if rows_at:
        ROWS_FIRST.append(rows_at[0] - t0)
    w.rowsApplied.disconnect()
    w.timeline.viewport().repaint()
    w.chart.repaint()
    w.facets.view.viewport().repaint()
    dt = time.perf_counter() - t0
    w.resultsApplied.disconnect()
    w.resultsApplied.connect(lambda: None)
    return dt, not w.search_bar.error.isVisible()


def measure_interaction(path: Path, author: str) -> dict:
    app = _app()
    with tempfile.TemporaryDirectory() as tmp:
        w = _window(path, tmp)
        w.show()
        _wait(app, lambda: w.results is not None)
        keystrokes, errors, per_query, searching, window_part = [], [], {}, [], []
        ROWS_FIRST.clear()
        for text in TYPED:
            text = text.format(author=f"from:{author}")
            times = []
            for i in range(1, len(text) + 1):
                dt, ok = _update(app, w, lambda q=text[:i]: (w.search_bar.edit.setText(q), w.search(q)))
                (keystrokes if ok else errors).append(dt)
                times.append(dt)
                if ok and w.results is not None:
                    # The search module's own time (search, ids, chart, facets on the
                    # search thread) and what the window adds (applying, painting).
                    searching.append(w.results.seconds)
                    window_part.append(max(0.0, dt - w.results.seconds))
            r = w.results
            per_query[text] = {"total": r.full.total if r else None, **summary(times)}
        rows_first = list(ROWS_FIRST)
        # Brushing: drag across a random stretch of the chart.
        _update(app, w, lambda: (w.search_bar.edit.setText(""), w.search("")))
        rng = random.Random(6)
        brushes = []
        for _ in range(15):
            a = rng.uniform(w.chart.start, w.chart.end - 86400 * 3)
            b = a + rng.uniform(86400, 86400 * 40)
            brushes.append(_update(app, w, lambda a=int(a), b=int(b): w.chart.rangeSelected.emit(a, b))[0])
        _update(app, w, w.reset_chart)
        # Facet clicks: each top hashtag on, then off again.
        clicks = []
        for value, _ in list(w.results.listed.facets["hashtags"])[:5]:
            clicks.append(_update(app, w, lambda v=value: w.toggle_facet("hashtags", v))[0])
            clicks.append(_update(app, w, lambda v=value: w.toggle_facet("hashtags", v))[0])
        w.session.close()
        w.close()
    return {"keystrokes": summary(keystrokes), "malformed_prefixes": summary(errors), "queries": per_query,
            "keystroke_search_thread": summary(searching), "keystroke_window_part": summary(window_part),
            "keystroke_list_and_chart_first": summary(rows_first),
            "brush": summary(brushes), "facet_click": summary(clicks)}


# -- scrolling -------------------------------------------------------------------------

def measure_scroll(path: Path) -> dict:
    app = _app()
    with tempfile.TemporaryDirectory() as tmp:
        w = _window(path, tmp)
        w.show()
        _wait(app, lambda: w.results is not None and w.model.rowCount() > 0)
        view = w.timeline
        bar = view.verticalScrollBar()
        vp = view.viewport()
        vp.repaint()
        rows_on_screen = vp.height() / w.delegate.row_height()
        steady, flick, jumps = [], [], []
        # Steady scrolling: a wheel notch (three lines' worth) at a time.
        step = bar.singleStep() * 3
        for _ in range(400):
            bar.setValue(bar.value() + step)
            t0 = time.perf_counter()
            vp.repaint()
            steady.append(time.perf_counter() - t0)
        # Flicking: a whole screen at a time (every row new, pages read).
        for _ in range(200):
            bar.setValue(bar.value() + vp.height())
            t0 = time.perf_counter()
            vp.repaint()
            flick.append(time.perf_counter() - t0)
        # Dragging the scroll bar's thumb to anywhere in a million rows.
        rng = random.Random(16)
        for _ in range(100):
            bar.setValue(rng.randrange(bar.maximum()))
            t0 = time.perf_counter()
            vp.repaint()
            jumps.append(time.perf_counter() - t0)
        rows = w.model.rowCount()
        w.session.close()
        w.close()
    return {"rows": rows, "rows_on_screen": round(rows_on_screen, 1), "steady": summary(steady),
            "flick_a_screen": summary(flick), "jump_anywhere": summary(jumps)}


def _author(path: Path) -> str:
    from viewer.collection import Collection

    with Collection.open(path) as coll:
        row = coll.db.execute("SELECT author_handle FROM posts WHERE author_handle IS NOT NULL "
                              "ORDER BY id LIMIT 1").fetchone()
    return row[0] if row else "nobody"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5, help="fresh processes for the open measurement")
    ap.add_argument("--collection", type=Path, default=None, help="measure this collection instead")
    ap.add_argument("--child-open", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--skip-open", action="store_true", help="only the keystroke and scrolling measures")
    args = ap.parse_args()
    if args.child_open:
        print(json.dumps(child_open(args.child_open)))
        return
    if args.collection:
        path = args.collection
    else:
        from make_collection import build

        path = build(args.posts)
    from viewer.collection import Collection
    from viewer.search import Searcher

    with Collection.open(path) as coll:
        Searcher(coll).prepare()  # an index out of date is brought up to date once, not timed
        posts = coll.db.execute("SELECT count(*) FROM posts WHERE collected = 1").fetchone()[0]
    load = os.getloadavg()[0]
    print(f"collection: {path} ({posts:,} collected posts); load average {load:.1f} on {os.cpu_count()} cores",
          flush=True)
    result = {"collection": str(path), "posts": posts, "window": f"{SIZE[0]}x{SIZE[1]}",
              "load_average_at_start": round(load, 2), "cores": os.cpu_count(),
              "goals": {"open_to_rows_s": 1.5, "keystroke_p95_ms": 150, "scroll_paint_ms": 16}}
    if not args.skip_open:
        result["open"] = measure_open(path, args.runs)
        o = result["open"]["window_open_to_rows"]
        print(f"window open → first rows painted: median {o['p50_ms']:.0f} ms, worst {o['max_ms']:.0f} ms "
              f"(process start → rows: median {result['open']['process_start_to_rows']['p50_ms']:.0f} ms; "
              f"→ the search's answer with chart and facets: median "
              f"{result['open']['window_open_to_search_answer']['p50_ms']:.0f} ms)", flush=True)
    result["interaction"] = measure_interaction(path, _author(path))
    i = result["interaction"]
    print(f"keystroke → list+chart+facets: p50 {i['keystrokes']['p50_ms']:.0f} ms, "
          f"p95 {i['keystrokes']['p95_ms']:.0f} ms, max {i['keystrokes']['max_ms']:.0f} ms "
          f"({i['keystrokes']['n']} keystrokes)", flush=True)
    print(f"    of which the search thread (search, ids, chart, facets): p50 "
          f"{i['keystroke_search_thread']['p50_ms']:.0f} ms, p95 {i['keystroke_search_thread']['p95_ms']:.0f} ms; "
          f"the window (apply, paint): p50 {i['keystroke_window_part']['p50_ms']:.0f} ms, "
          f"p95 {i['keystroke_window_part']['p95_ms']:.0f} ms")
    print(f"    list and chart already shown (facets still counting): p50 "
          f"{i['keystroke_list_and_chart_first']['p50_ms']:.0f} ms, "
          f"p95 {i['keystroke_list_and_chart_first']['p95_ms']:.0f} ms")
    for q, s in i["queries"].items():
        print(f"    {q!r:32} {s['total']!s:>9} hits   p50 {s['p50_ms']:6.0f}  p95 {s['p95_ms']:6.0f}  "
              f"max {s['max_ms']:6.0f} ms")
    print(f"brush a range: p95 {i['brush']['p95_ms']:.0f} ms; facet click: p95 {i['facet_click']['p95_ms']:.0f} ms")
    result["scroll"] = measure_scroll(path)
    s = result["scroll"]
    print(f"paint a screen ({s['rows_on_screen']} rows of {s['rows']:,}) while scrolling: steady p95 "
          f"{s['steady']['p95_ms']:.1f} ms (max {s['steady']['max_ms']:.1f}); a screen at a time p95 "
          f"{s['flick_a_screen']['p95_ms']:.1f} ms; jump anywhere p95 {s['jump_anywhere']['p95_ms']:.1f} ms")
    OUT.mkdir(exist_ok=True)
    (OUT / "ui.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"written to {OUT / 'ui.json'}")


if __name__ == "__main__":
    main()
