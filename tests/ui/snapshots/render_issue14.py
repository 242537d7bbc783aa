"""The snapshots issue 14 asks a person to look at, rendered offscreen on a
1366×768 screen:

    QT_QPA_PLATFORM="offscreen:configfile=tests/ui/snapshots/screen-1366x768.json" \\
        .venv/bin/python tests/ui/snapshots/render_issue14.py [OUT_DIR]

mixed-direction rows, the summary of a 60-file import, the Sources panel,
the window in dark mode (facet check boxes), the histogram at small counts.
OUT_DIR defaults to tests/ui/snapshots/latest (not committed); the copies in
tests/ui/snapshots/issue-14/ are the ones looked at."""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parents[1])]

from archive_factory import v1_status, write_jsonl  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from ui_helpers import build_collection, post  # noqa: E402

from viewer import curation  # noqa: E402
from viewer.collection import Collection  # noqa: E402
from viewer.importer import import_paths  # noqa: E402
from viewer.index import index_sink  # noqa: E402
from viewer.paths import sample_archive  # noqa: E402
from viewer.ui.app import make_app  # noqa: E402
from viewer.ui.main_window import MainWindow  # noqa: E402
from viewer.ui.settings import Settings  # noqa: E402
from viewer.ui.theme import apply_color_scheme  # noqa: E402


def wait(pred, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while not pred() and time.monotonic() < end:
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def pause(seconds: float) -> None:
    end = time.monotonic() + seconds
    wait(lambda: time.monotonic() > end, seconds + 1)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "latest"
    out.mkdir(parents=True, exist_ok=True)
    make_app()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)

        def window(path: Path, query: str = "") -> MainWindow:
            w = MainWindow(path, Settings.at(str(tmp / f"settings-{time.monotonic()}.ini")), query=query)
            w.resize(1366, 768)
            w.show()
            wait(lambda: w.settled and w.results is not None)
            pause(0.3)
            return w

        def done(w: MainWindow) -> None:
            w.session.close()
            w.close()

        mixed = build_collection(tmp / "mixed", [
            post(0, "It has begun. بدأت معركة الموصل #Mosul", lang="en", hashtags=["Mosul"]),
            post(1, "@NinawaNow شكرا على التغطية #IDPs", lang="ar", author_handle="mosul_eye",
                 author_name="عين الموصل", hashtags=["IDPs"]),
            post(2, "عاجل: اشتباكات في حي الانتصار الساعة 12:30 https://example.org/a/b", lang="ar",
                 author_name="مراسل"),
            post(3, "Families fleeing #الموصل tonight, 1,200 people at Khazir camp", lang="en",
                 hashtags=["الموصل"]),
        ])
        w = window(mixed)
        w.grab().save(str(out / "mixed-direction.png"))
        done(w)

        folder = tmp / "harvests"
        folder.mkdir()
        for k in range(60):
            write_jsonl(folder / f"harvest-{k:02d}.jsonl",
                        [v1_status(k * 3 + i, f"Report {k}-{i} from Mosul") for i in range(3)],
                        lines=[f'{{"id_str": "{k}", "trunc'])
        w = window(tmp / "big")
        finished: list[object] = []
        w.importFinished.connect(finished.append)
        w.import_paths([folder])
        wait(lambda: bool(finished), 300)
        pause(0.5)
        assert w.summary is not None
        w.summary.grab().save(str(out / "import-summary-60-files.png"))
        panel = w.show_sources()
        pause(0.3)
        panel.grab().save(str(out / "sources-panel.png"))
        done(w)

        small = build_collection(tmp / "small", [post(i * 1440 + (i % 2) * 60, f"report {i}") for i in range(9)]
                                 + [post(2 * 1440 + 30, "another report")])
        with Collection.open(small) as coll:
            curation.add_event(coll, "2016-10-18", "Bartella retaken")
            curation.add_event(coll, "2016-10-19", "Battle reaches Gogjali")
            curation.add_event(coll, "2016-10-20", "Victory declared in Mosul")
        w = window(small)
        w.chart_panel.grab().save(str(out / "histogram-small-counts.png"))
        w.chart.export_png(str(out / "histogram-small-counts-export.png"))
        done(w)

        sample = tmp / "sample"
        with Collection.open(sample) as coll:
            import_paths(coll, [sample_archive()], index=index_sink(coll))
        apply_color_scheme("dark")
        w = window(sample, "from:NinawaNow")
        w.grab().save(str(out / "dark.png"))
        done(w)
        apply_color_scheme("system")
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
