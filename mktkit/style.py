"""The report theme: one look for every matplotlib and seaborn figure, Chinese included.

Chinese text renders from a pip install alone: the pinned package ``mplfonts`` ships
``NotoSansCJKsc-Regular.otf`` in its wheel, and :func:`register_cjk_font` adds that file to
matplotlib's font manager (once per process; later calls return at once). We only read the
font file; we never call mplfonts' functions, which rewrite the user's ``matplotlibrc``.

Font choice: ``font.family`` is a list and matplotlib (>= 3.6) falls back glyph by glyph.

- ``lang="en"``: ``["DejaVu Sans", "Noto Sans CJK SC"]``. English figures look exactly like
  matplotlib's defaults, and a Chinese name in the data (a user's region or campaign) still
  renders, from the CJK font, instead of as empty boxes.
- ``lang="zh"``: ``["Noto Sans CJK SC", "DejaVu Sans"]``. Noto Sans CJK carries its own Latin,
  digits and minus sign, drawn to sit with the Chinese glyphs (same x-height, weight and
  baseline), so mixed labels like "ROAS 广告支出回报率" read as one line rather than two fonts.
  DejaVu Sans stays as the fallback for anything Noto lacks.

The palette is Okabe & Ito's colour-universal-design set (Okabe and Ito 2008, "Color Universal
Design"), distinguishable with the common colour-vision deficiencies; yellow, the weakest on
white, comes last but one. Status colours (RAG, :data:`STATUS_COLORS`) are checked under
simulated colour-vision deficiency, and reports print the status word next to the colour, so
colour is never the only cue.

Sizes suit HTML reports at 96 dpi: an 8 x 4.5 inch figure is 768 x 432 pixels, which fits an
800-pixel report column without scaling, and 10-13 pt text stays legible there.

matplotlib is imported only inside the functions, so ``PALETTE``, ``STATUS_COLORS`` and
:func:`status_color` are cheap to use from table formatting.

Examples
--------
>>> import mktkit as mk
>>> mk.use_theme("zh")                       # doctest: +SKIP
>>> from mktkit.style import theme_context
>>> with theme_context("zh"):                # doctest: +SKIP
...     ax = mk.plot_headline_trend(result)
"""

from __future__ import annotations

import contextlib
import importlib.resources
import math
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mktkit.errors import InputError, check_argument
from mktkit.i18n import LANGS

#: Family name of the CJK font shipped by mplfonts, as matplotlib knows it.
CJK_FAMILY = "Noto Sans CJK SC"
#: Matplotlib's bundled Latin font (always present).
LATIN_FAMILY = "DejaVu Sans"
_CJK_PACKAGE = "mplfonts"
_CJK_FILE = ("fonts", "NotoSansCJKsc-Regular.otf")

#: Categorical colours (Okabe-Ito order, black last), used as the axes colour cycle.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)

#: RAG status colours (docs/methods.md, "KPIs"): green, amber, red, grey (no actual) and
#: "no target".
#: Green and amber are Okabe-Ito's; red is ColorBrewer's dark red #B2182B rather than Okabe-Ito
#: vermillion, because vermillion and orange look alike to deuteranopes (CIELAB distance 18)
#: while the darker red stays apart from amber for every deficiency (tests/test_style.py), and it
#: reads as text on white (contrast 6.9:1). Both "not judged" statuses share the light grey.
STATUS_COLORS: dict[str, str] = {
    "green": "#009E73",
    "amber": "#E69F00",
    "red": "#B2182B",
    "grey": "#BBBBBB",
    "no target": "#BBBBBB",
}

_INK = "#222222"
_MUTED = "#555555"
_GRID = "#E5E5E5"

_registered: Path | None = None
_lock = threading.Lock()


def tint(color: str, share: float) -> str:
    """``color`` (``#RRGGBB``) mixed with white, ``share`` of the colour: a light background
    for a table cell or a band of a figure.

    Examples
    --------
    >>> tint("#D55E00", 0.14), tint("#D55E00", 0.45)
    ('#F9E8DB', '#ECB78C')
    """
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02X}" for c in rgb)


def status_color(status: Any) -> str:
    """Hex colour of a KPI status; a missing status (None, NaN) is grey.

    Parameters
    ----------
    status : {"green", "amber", "red", "grey", "no target"} or None
        ``"no_target"`` is accepted for ``"no target"``; case does not matter.

    Examples
    --------
    >>> status_color("red")
    '#B2182B'
    >>> status_color(None)
    '#BBBBBB'
    """
    if status is None or (isinstance(status, float) and math.isnan(status)):
        return STATUS_COLORS["grey"]
    key = str(status).strip().lower().replace("_", " ")
    check_argument("status", STATUS_COLORS, key)
    return STATUS_COLORS[key]


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC file inside the installed ``mplfonts`` package.

    Raises
    ------
    InputError
        If mplfonts is not installed or its wheel lacks the font.
    """
    try:
        resource = importlib.resources.files(_CJK_PACKAGE).joinpath(*_CJK_FILE)
    except ModuleNotFoundError as exc:
        raise InputError(
            "the package mplfonts, which ships the Chinese font, is not installed",
            fix="pip install mplfonts==0.0.11 (it is a dependency of mktkit)",
        ) from exc
    # matplotlib opens fonts by file name, so the resource must be a real file (it is for any
    # pip-installed wheel; a zipped install would not be).
    path = Path(str(resource))
    if not path.is_file():
        raise InputError(
            f"the Chinese font file {'/'.join(_CJK_FILE)} is missing from mplfonts at {path}",
            fix="reinstall it: pip install --force-reinstall mplfonts==0.0.11",
        )
    return path


def register_cjk_font() -> Path:
    """Add Noto Sans CJK SC to matplotlib's font manager, once per process.

    The first call reads the font's header (about 15 ms); later calls return the cached path.

    Returns
    -------
    pathlib.Path
        The registered font file.

    Examples
    --------
    >>> register_cjk_font().name           # doctest: +SKIP
    'NotoSansCJKsc-Regular.otf'
    """
    global _registered
    if _registered is not None:
        return _registered
    with _lock:
        if _registered is None:
            from matplotlib import font_manager

            path = cjk_font_path()
            known = {Path(f.fname) for f in font_manager.fontManager.ttflist}
            if path not in known:
                font_manager.fontManager.addfont(str(path))
            _registered = path
    return _registered


def add_cjk_fallback() -> None:
    """Let figures drawn without the theme show Chinese too.

    Registers the CJK font and appends it to ``font.family`` when absent. Matplotlib falls
    back glyph by glyph along that list, so the font appended last draws only what the fonts
    before it cannot: a figure without Chinese looks as before, and one with Chinese (a
    ``lang="zh"`` label, a Chinese region or campaign name) renders it instead of empty boxes.
    :mod:`mktkit.plots` calls it when imported; :func:`use_theme` still gives the report look.

    Examples
    --------
    >>> import matplotlib
    >>> add_cjk_fallback()                   # doctest: +SKIP
    >>> matplotlib.rcParams["font.family"]   # doctest: +SKIP
    ['sans-serif', 'Noto Sans CJK SC']
    """
    register_cjk_font()
    import matplotlib

    families = list(matplotlib.rcParams["font.family"])
    if CJK_FAMILY not in families:
        matplotlib.rcParams["font.family"] = [*families, CJK_FAMILY]


def theme_params(lang: str = "en") -> dict[str, Any]:
    """The matplotlib rcParams of the report theme for ``lang`` (seaborn reads the same).

    Does not register the font: :func:`use_theme` and :func:`theme_context` do.

    Examples
    --------
    >>> theme_params("zh")["font.family"]
    ['Noto Sans CJK SC', 'DejaVu Sans']
    """
    check_argument("lang", LANGS, lang)
    from cycler import cycler

    families = [CJK_FAMILY, LATIN_FAMILY] if lang == "zh" else [LATIN_FAMILY, CJK_FAMILY]
    return {
        "font.family": families,
        "font.size": 11,
        "axes.titlesize": 13,
        "axes.titlelocation": "left",
        "axes.titlepad": 10,
        # Noto Sans CJK has a Regular face only here; one weight keeps en and zh alike
        "axes.titleweight": "normal",
        "axes.labelsize": 11,
        "axes.labelcolor": _INK,
        "axes.edgecolor": _MUTED,
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(color=list(PALETTE)),
        "axes.unicode_minus": True,  # a real minus sign (U+2212); both fonts have it
        "grid.color": _GRID,
        "grid.linewidth": 0.8,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "xtick.color": _MUTED,
        "ytick.color": _MUTED,
        "text.color": _INK,
        "legend.fontsize": 10,
        "legend.frameon": False,
        "lines.linewidth": 2.0,
        "patch.edgecolor": "none",
        "figure.figsize": (8.0, 4.5),
        "figure.dpi": 96,
        "figure.facecolor": "white",
        "figure.constrained_layout.use": True,
        "savefig.dpi": "figure",
        "savefig.facecolor": "white",
        "image.cmap": "viridis",
        "mathtext.fontset": "dejavusans",
        "svg.fonttype": "path",  # SVG shows the same glyphs without the font installed
        "pdf.fonttype": 42,
    }


def use_theme(lang: str = "en") -> None:
    """Apply the report theme to every later figure (matplotlib and seaborn) in this process.

    Parameters
    ----------
    lang : {"en", "zh"}
        Chooses the font order (see the module docstring); both render Chinese.

    Examples
    --------
    >>> import mktkit as mk
    >>> mk.use_theme("zh")                   # doctest: +SKIP
    """
    params = theme_params(lang)
    register_cjk_font()
    import matplotlib

    matplotlib.rcParams.update(params)


@contextlib.contextmanager
def theme_context(lang: str = "en") -> Iterator[None]:
    """Apply the report theme inside a ``with`` block only; rcParams are restored after.

    Examples
    --------
    >>> with theme_context("zh"):            # doctest: +SKIP
    ...     fig, ax = plt.subplots()
    """
    params = theme_params(lang)
    register_cjk_font()
    import matplotlib

    with matplotlib.rc_context(params):
        yield


#: The family name under which HTML reports embed the CJK font.
EMBEDDED_FAMILY = "mktkit Noto Sans SC"


# What the embedded subset keeps of the font's OpenType layout: what a browser applies to
# horizontal text on a page in Chinese (lang="zh-CN", language system ZHS) or English (no
# language system of its own in the font: the script's default). Noto Sans CJK's `locl` lookups
# for Japanese, Korean and traditional Chinese would pull in some 200 alternate glyphs that such
# a page never shows (a third of the subset, in bytes and in time), and the vertical-writing
# features and metrics serve a writing mode the reports do not use.
_PAGE_LANGSYS = ("dflt", "ZHS")
_VERTICAL_FEATURES = frozenset({"vert", "vrt2", "vkna", "vkrn", "vpal", "vhal", "valt", "vchw"})
_VERTICAL_TABLES = ("vhea", "vmtx", "VORG")


def _subset_options() -> Any:
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = [f for f in options.layout_features if f not in _VERTICAL_FEATURES]
    options.drop_tables = [*options.drop_tables, *_VERTICAL_TABLES]
    return options


def open_cjk_font() -> Any:
    """The CJK font opened for one :func:`font_face_css`, the tables every subset reads decoded.

    Opening and decoding the 16 MB font is some 40% of a subset's time and needs no text: a
    caller that waits for something else anyway (:mod:`mktkit.report`, while the kernel runs)
    can do it first and pass the font on. The subset is the same bytes either way.

    Returns
    -------
    fontTools.ttLib.TTFont
        Lazily loaded; :func:`font_face_css` closes it.
    """
    from fontTools import subset

    font = subset.load_font(str(cjk_font_path()), _subset_options(), lazy=True)
    try:
        font.recalcTimestamp = False  # keep head.modified: identical input, identical bytes
        # Reading an attribute of a lazily loaded table decodes it: the character maps, the
        # advance widths, the CFF charstring index and every layout lookup (through the
        # extension lookups), which any subset reads.
        for table in font["cmap"].tables:
            table.cmap  # noqa: B018
        font["hmtx"].metrics  # noqa: B018
        cff = font["CFF "].cff
        cff[cff.fontNames[0]].CharStrings  # noqa: B018
        for tag in ("GSUB", "GPOS"):
            lookups = font[tag].table.LookupList.Lookup if tag in font else []
            for lookup in lookups:
                for sub in lookup.SubTable:
                    getattr(getattr(sub, "ExtSubTable", sub), "Format", None)
    except BaseException:
        font.close()
        raise
    return font


def font_face_css(text: str, font: Any = None) -> str:
    """A CSS ``@font-face`` rule embedding the CJK font, cut down to the characters of ``text``.

    HTML reports must read the same on a manager's machine without Chinese fonts as on ours,
    and must not fetch a web font. The whole Noto Sans CJK SC is 16 MB; the subset for one
    report is some 20-70 kB (WOFF, zlib), with the layout a Chinese or English page uses (the
    alternate forms of Japanese, Korean and traditional Chinese and the vertical-writing
    features are left out). The output is deterministic (no timestamp), so the same report
    text gives the same bytes.

    Parameters
    ----------
    text : str
        Every character the page shows.
    font : fontTools.ttLib.TTFont, optional
        The font from :func:`open_cjk_font`, opened ahead; it is closed here. Default: open it
        now.

    Examples
    --------
    >>> css = font_face_css("月度营销复盘 2026")
    >>> css.startswith('@font-face{font-family:"mktkit Noto Sans SC";') and "base64," in css
    True
    """
    import base64
    import io

    from fontTools import subset

    options = _subset_options()
    buf = io.BytesIO()
    font = open_cjk_font() if font is None else font
    try:
        scripts = {
            record.ScriptTag.rstrip()
            for tag in ("GSUB", "GPOS")
            if tag in font
            for record in font[tag].table.ScriptList.ScriptRecord
        }
        options.layout_scripts = [f"{s}.{ls}" for s in sorted(scripts) for ls in _PAGE_LANGSYS]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(set(text))))
        subsetter.subset(font)
        subset.save_font(font, buf, options)
    finally:
        font.close()  # lazy loading keeps the 16 MB file open until closed
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'@font-face{{font-family:"{EMBEDDED_FAMILY}";'
        f'src:url(data:font/woff;base64,{data}) format("woff");font-display:block;}}'
    )
