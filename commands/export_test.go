package commands

// SheetTime is sheetTime, for the package's outside tests.
var SheetTime = sheetTime
