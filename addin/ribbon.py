"""The xlcell ribbon tab: its buttons, the ``customUI.xml`` that shows them and the VBA callbacks they call.

One table (:data:`BUTTONS`) gives each button's label, group, built-in icon (``imageMso``), tip and action, so
the XML, the VBA module and the tests cannot drift apart. An action is either a Python macro of
:mod:`app.macros`, run through xlwings' ``RunPython`` (the add-in carries xlwings' standalone VBA), or a few
lines of VBA for what Excel does itself (recalculation, a message).
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2006/01/customui"  #: the schema of the ribbon xlwings ships
MODULE = "XlcellRibbon"  #: the VBA module of the callbacks


@dataclass(frozen=True)
class Button:
    """One ribbon button."""

    id: str  #: control id, also the name of its VBA callback
    label: str
    group: str
    image: str  #: a built-in Office icon (imageMso)
    tip: str
    python: str = ""  #: a macro of app.macros, run by RunPython
    vba: str = ""  #: or VBA statements run by the callback
    needs_book: bool = True  #: refuse with a message when no workbook is open
    large: bool = True


def _sheet_recalc(sheet: str, what: str) -> str:
    """VBA: recompute every formula of one sheet of the active workbook (a message if there is no such sheet).

    ``Worksheet.Calculate`` alone only recomputes cells Excel marks as changed, and no xlcell function is
    volatile; switching the sheet's calculation off and on marks all of its cells, so the Monte Carlo reruns and
    cells that failed before (no Python yet) are retried. ``Application.Calculate`` then carries the new results
    to the sheets that look them up (the Dashboard).
    """
    return (f'    If Not XlcellHasSheet("{sheet}") Then\n'
            f'        MsgBox "This workbook has no {sheet} sheet. Start from the xlcell template '
            f'(xlcell tab > New workbook).", vbInformation, "xlcell"\n'
            "        Exit Sub\n"
            "    End If\n"
            "    On Error GoTo failed\n"
            f'    Application.StatusBar = "xlcell: {what} ..."\n'
            f'    With ActiveWorkbook.Worksheets("{sheet}")\n'
            "        .EnableCalculation = False\n"
            "        .EnableCalculation = True\n"
            "        .Calculate\n"
            "    End With\n"
            "    Application.Calculate\n"
            "    Application.StatusBar = False\n"
            f'    If ActiveWorkbook.Worksheets("{sheet}").Visible = xlSheetVisible Then '
            f'ActiveWorkbook.Worksheets("{sheet}").Activate\n'
            "    Exit Sub\n"
            "failed:\n"
            "    Application.StatusBar = False\n"
            f'    MsgBox "xlcell could not recalculate the {sheet} sheet: " & Err.Description, vbExclamation, "xlcell"\n')


BUTTONS: tuple[Button, ...] = (
    Button("xlcellEvaluate", "Evaluate", "Cell", "CalculateNow",
           "Recalculate every formula of the open workbooks, xlcell functions included (cell, cost, life, LCOS)",
           vba='    Application.StatusBar = "xlcell: recalculating ..."\n'
               "    Application.CalculateFull\n"
               "    Application.StatusBar = False\n"),
    Button("xlcellCost", "Cost", "Cell", "AccountingFormat",
           "Recalculate the Cost sheet: BatPaC-style cost per cell and per kWh by cost line",
           vba=_sheet_recalc("Cost", "cost model")),
    Button("xlcellPareto", "Pareto front", "Optimise", "ChartTypeXYScatterInsertGallery",
           "Trace the Pareto front set on the Pareto sheet", python="pareto_macro()"),
    Button("xlcellOptimize", "Optimise", "Optimise", "GoalSeek",
           "Optimise the first objective of the Pareto sheet under its constraints", python="optimize_macro()"),
    Button("xlcellFeTwin", "FE twin", "Simulate", "_3DSurfaceWireFrameClassic",
           "Run the FE model of the calender nip for the Simulation sheet's inputs (progress in the status bar) and "
           "redraw its field plots", python="fe_twin_macro()"),
    Button("xlcellMonteCarlo", "Monte Carlo", "Risk", "WhatIfAnalysisMenu",
           "Rerun the Monte Carlo on the Uncertainty sheet (price, electrochemical and manufacturing spread)",
           vba=_sheet_recalc("Uncertainty", "Monte Carlo")),
    Button("xlcellReport", "Report", "Output", "FileSaveAsExcelXlsx",
           "Write a report workbook of the Design sheet's cell next to this workbook", python="design_report_macro()"),
    Button("xlcellParetoReport", "Optimisation report", "Output", "ChartInsert",
           "Trace the front and write the optimisation report workbook next to this workbook",
           python="report_macro()", large=False),
    Button("xlcellRebuild", "Rebuild Pareto sheet", "Output", "Refresh",
           "Restore the Pareto sheet of the template (its inputs reset)", python="rebuild_macro(None, 'Pareto')",
           large=False),
    Button("xlcellNew", "New workbook", "Workbook", "FileNew",
           "New workbook from the xlcell template (BatPaC 5.0's default cell), saved in your Documents folder",
           python="new_workbook_macro()", needs_book=False),
    Button("xlcellRestart", "Restart Python", "Workbook", "CalculateFull",
           "Stop the Python that runs the functions (e.g. after upgrading xlcell) and recalculate with a fresh one",
           vba='    Application.StatusBar = "xlcell: restarting Python ..."\n'
               "    On Error Resume Next\n"
               "    KillPy  ' xlwings: stops the COM server this add-in started; the next call starts a new one\n"
               "    On Error GoTo 0\n"
               "    If Not ActiveWorkbook Is Nothing Then Application.CalculateFull\n"
               "    Application.StatusBar = False\n", needs_book=False, large=False),
    Button("xlcellHelp", "Help", "Workbook", "Help", "What xlcell is, its version, and where the help is",
           vba="    XlcellShowHelp\n", needs_book=False),
)

GROUPS = ("Cell", "Optimise", "Simulate", "Risk", "Output", "Workbook")


def custom_ui() -> str:
    """``customUI/customUI.xml``: one tab "xlcell", a group per :data:`GROUPS`, a button per :data:`BUTTONS`."""
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
           f'<customUI xmlns="{CUSTOM_UI_NS}">', "  <ribbon>", "    <tabs>",
           '      <tab id="xlcellTab" label="xlcell">']
    for group in GROUPS:
        out.append(f'        <group id="xlcellGroup{group}" label={quoteattr(group)}>')
        for b in BUTTONS:
            if b.group == group:
                out.append(f'          <button id="{b.id}" label={quoteattr(b.label)} '
                           f'size="{"large" if b.large else "normal"}" imageMso="{b.image}" '
                           f'screentip={quoteattr(b.label)} supertip={quoteattr(b.tip)} '
                           f'onAction="{MODULE}.{b.id}"/>')
        out.append("        </group>")
    out += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(out)


def callbacks_vba(version: str, xlwings_version: str) -> str:
    """The VBA module of the ribbon callbacks (one ``Sub <id>(control As IRibbonControl)`` per button)."""
    lines = [f'Attribute VB_Name = "{MODULE}"',
             "' xlcell ribbon callbacks, generated by addin/ribbon.py: one Sub per button of customUI.xml.",
             "' Python jobs run through xlwings' RunPython (module xlwings of this add-in); a failure shows a message.",
             "Option Explicit", "",
             f'Public Const XLCELL_ADDIN_VERSION As String = "{version}"',
             f'Public Const XLCELL_XLWINGS_VERSION As String = "{xlwings_version}"', "",
             "Private Function XlcellHasBook() As Boolean",
             "    XlcellHasBook = Not (ActiveWorkbook Is Nothing)",
             "    If Not XlcellHasBook Then MsgBox \"Open a workbook first (or click New workbook).\", vbInformation, \"xlcell\"",
             "End Function", "",
             "Private Function XlcellHasSheet(ByVal sheetName As String) As Boolean",
             "    Dim ws As Object",
             "    On Error Resume Next",
             "    Set ws = ActiveWorkbook.Worksheets(sheetName)",
             "    XlcellHasSheet = Not (ws Is Nothing)",
             "End Function", "",
             "Private Sub XlcellRun(ByVal what As String, ByVal macro As String)",
             "    ' RunPython shows Python's own errors; this catches what fails before Python starts",
             "    On Error GoTo failed",
             "    Application.StatusBar = \"xlcell: \" & what & \" ...\"",
             "    RunPython \"import app.macros; app.macros.\" & macro",
             "    Application.StatusBar = False",
             "    Exit Sub",
             "failed:",
             "    Application.StatusBar = False",
             "    MsgBox \"xlcell could not run \" & what & \": \" & Err.Description & vbLf & vbLf & _",
             "        \"Check that Python with xlcell is installed (in a terminal: xlcell addin status).\", _",
             "        vbExclamation, \"xlcell\"",
             "End Sub", "",
             "Public Sub XlcellShowHelp()",
             "    MsgBox \"xlcell \" & XLCELL_ADDIN_VERSION & \" - battery cell cost, physics, life and LCOS in Excel.\" & vbLf & vbLf & _",
             "        \"Functions: type =XLCELL_ in a cell (category xlcell in Insert Function); =XLCELL_VERSION() checks the link to Python.\" & vbLf & _",
             "        \"Templates: xlcell tab > New workbook. Inputs are yellow, results green, units beside every value.\" & vbLf & _",
             "        \"Settings (Python interpreter): the xlwings.conf sheet or %USERPROFILE%\\.xlwings\\xlwings.conf.\" & vbLf & _",
             "        \"Diagnose: in a terminal, xlcell addin status.\" & vbLf & vbLf & _",
             "        \"xlwings VBA \" & XLCELL_XLWINGS_VERSION & \" (BSD licence) is built into this add-in.\", vbInformation, \"xlcell\"",
             "End Sub", ""]
    for b in BUTTONS:
        lines.append(f"Public Sub {b.id}(control As IRibbonControl)")
        if b.needs_book:
            lines.append("    If Not XlcellHasBook() Then Exit Sub")
        elif b.python:
            lines.append("    If ActiveWorkbook Is Nothing Then Workbooks.Add  ' RunPython needs an active workbook")
        if b.python:
            lines.append(f'    XlcellRun "{b.label}", "{b.python}"')
        else:
            lines.extend(b.vba.rstrip("\n").split("\n"))
        lines += ["End Sub", ""]
    return "\r\n".join(lines)
