"""Word reports (seed 3.5, 6.1, Bijlage 2): the full report with personal data of a request,
the consent statement of the data subject and the user details sheet, with a PDF of each
where LibreOffice is installed."""
