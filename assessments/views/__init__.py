"""Pages of 法治建设考评, one module per page group (frameworks, campaigns,
self_assessments, scoring, duties, results, publication, appeals,
rectifications, trends): access → form → service → render."""
