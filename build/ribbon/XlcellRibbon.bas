Attribute VB_Name = "XlcellRibbon"
' xlcell ribbon callbacks: import this module into the VBA project of an add-in built from xlwings'
' quickstart_addin_ribbon.xlam (or of any workbook with the xlwings VBA module), with customUI.xml as its ribbon.
' Each button runs one macro of udfs/macros.py; the macros take the workbook from xw.Book.caller().
Option Explicit

Sub OnAction(control As IRibbonControl)
    Select Case control.Id
        Case "xlcellPareto": RunPython "import udfs.macros; udfs.macros.pareto_macro()"
        Case "xlcellOptimize": RunPython "import udfs.macros; udfs.macros.optimize_macro()"
        Case "xlcellReport": RunPython "import udfs.macros; udfs.macros.report_macro()"
        Case "xlcellRebuild": RunPython "import udfs.macros; udfs.macros.rebuild_macro(None, 'Pareto')"
    End Select
End Sub
