"""Reader speed: switching section (target ≤ 50 ms) and searching the handbook (target ≤ 20 ms)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
QUERIES = ["friend request", "former pupils", "photographs of pupils", "wikipedia", "media enquiries",
           "privacy settings", "disciplinary action", "school email", "logo", "safeguarding concerns",
           "5.6", "c", "confidential information pupils families"]


def measure() -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from holbrook_desktop.app import App
    from holbrook_desktop.core.content.render import Location
    from holbrook_desktop.ui.main_window import MainWindow
    from holbrook_desktop.ui.preferences import Preferences

    app = QApplication.instance() or QApplication([])
    service = App(REPO / "content")
    with tempfile.TemporaryDirectory() as data_dir:
        window = MainWindow(service, Preferences(Path(data_dir)))
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        locations = [Location(p.id, s.number) for p in service.content.policies for s in p.all_sections()]

        def switch_all() -> list[float]:
            times = []
            for location in locations:
                started = time.perf_counter()
                window.show_location(location)
                window.reader.document().size()  # forces layout, as painting would
                app.processEvents()
                times.append(time.perf_counter() - started)
            return times

        first_visit = switch_all()  # each page rendered from Markdown
        revisit = switch_all() + switch_all()
        window.close()

    started = time.perf_counter()
    service.content.search("warm up")  # builds the index
    index_build = time.perf_counter() - started
    search_times = []
    for _ in range(20):
        for query in QUERIES:
            started = time.perf_counter()
            service.content.search(query)
            search_times.append(time.perf_counter() - started)
    return {
        "switch_first_max_ms": max(first_visit) * 1000,
        "switch_median_ms": statistics.median(revisit) * 1000,
        "switch_max_ms": max(revisit) * 1000,
        "search_first_ms": index_build * 1000,
        "search_median_ms": statistics.median(search_times) * 1000,
        "search_max_ms": max(search_times) * 1000,
    }


def rows() -> list[tuple[str, float, float]]:
    result = measure()
    return [
        ("switch section, first visit (max)", 50, result["switch_first_max_ms"]),
        ("switch section, again (median)", 50, result["switch_median_ms"]),
        ("switch section, again (max)", 50, result["switch_max_ms"]),
        ("first search incl. index (ms)", 20, result["search_first_ms"]),
        ("search whole handbook (median)", 20, result["search_median_ms"]),
        ("search whole handbook (max)", 20, result["search_max_ms"]),
    ]


if __name__ == "__main__":
    for name, target, measured in rows():
        ratio = measured / target
        print(f"{name:<36} target ≤{target:>4} ms  measured {measured:8.2f} ms  ratio {ratio:5.2f}")
