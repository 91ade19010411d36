"""A short, human label for a User-Agent string ("Firefox on Linux"), for the list of sessions.

Deliberately simple: the label helps someone recognise their own browsers among their sessions, so
a rough guess from a few well-known tokens is enough, and no parser library is worth its upkeep here.
The order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", Android also says "Linux".
"""

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
             ("Chrome/", "Chrome"), ("CriOS/", "Chrome"), ("FxiOS/", "Firefox"), ("Safari/", "Safari"),
             ("curl/", "curl"), ("python-requests/", "Python"), ("Python", "Python"), ("node", "Node.js"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
UNKNOWN = "Unknown browser"


def _first(user_agent: str, known: tuple[tuple[str, str], ...]) -> str | None:
    return next((name for token, name in known if token in user_agent), None)


def label(user_agent: str | None) -> str:
    """``"Chrome on Windows"``, ``"curl"``, or the first word of anything unrecognised."""
    user_agent = (user_agent or "").strip()
    if not user_agent:
        return UNKNOWN
    browser = _first(user_agent, _BROWSERS) or user_agent.split()[0].split("/")[0][:40]
    system = _first(user_agent, _SYSTEMS)
    return f"{browser} on {system}" if system else browser
