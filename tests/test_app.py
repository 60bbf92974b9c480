from mediation_desk.app import _opens_window


def test_only_global_options_open_the_window():
    assert _opens_window([])
    assert _opens_window(["--db", "cases.sqlite", "--demo"])
    assert _opens_window(["--actor", "init", "--portable"])  # "init" is the actor's name here
    assert not _opens_window(["--db", "x.sqlite", "cases", "--json"])
    assert not _opens_window(["cases"])
    assert not _opens_window(["--help"])
