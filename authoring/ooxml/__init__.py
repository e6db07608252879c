"""Reading and writing WordprocessingML: formatting, text, the ND30 regions of any DOCX, package parts."""
