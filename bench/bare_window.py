"""The baseline: a bare QApplication with an empty QMainWindow, reporting when it is up."""

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 760)
window.show()


def report_ready() -> None:
    print(f"ready {time.time():.6f}", flush=True)
    app.quit()


QTimer.singleShot(0, report_ready)
app.exec()
