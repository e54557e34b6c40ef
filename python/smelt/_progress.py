"""Progress of a compile's long steps, in notebooks and in terminals."""

import sys


def _in_notebook():
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


class ProgressBar:
    """A callable(stage, done, total): an HTML bar updated in place in a
    Jupyter notebook, a bar redrawn on one line on a terminal, and one line
    per finished stage when stderr is a file."""

    width = 30

    def __init__(self, stream=None):
        self._stream = stream or sys.stderr
        self._notebook = stream is None and _in_notebook()
        self._handles = {}

    def __call__(self, stage, done, total):
        total = max(int(total), 1)
        done = min(int(done), total)
        if self._notebook:
            self._html(stage, done, total)
        else:
            self._text(stage, done, total)

    def _html(self, stage, done, total):
        from IPython.display import HTML, display
        import html
        body = HTML(
            '<div style="font-family: monospace">%s '
            '<progress value="%d" max="%d" style="width: 16em"></progress> '
            '%d/%d</div>' % (html.escape(stage), done, total, done, total))
        handle = self._handles.get(stage)
        if handle is None:
            self._handles[stage] = display(body, display_id=True)
        else:
            handle.update(body)

    def _text(self, stage, done, total):
        stream = self._stream
        interactive = hasattr(stream, "isatty") and stream.isatty()
        if not interactive and done != total:
            return
        filled = self.width * done // total
        line = "%s [%s%s] %d/%d" % (stage, "#" * filled,
                                    "." * (self.width - filled), done, total)
        stream.write(("\r" if interactive else "") + line +
                     ("\n" if done == total else ""))
        stream.flush()
