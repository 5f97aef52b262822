"""Word reports (seed 3.5, 6.1, Bijlage 2): the full report with personal data of a request,
the consent statement of the data subject, the user details sheet and the alert report
(issue 22), with a PDF of each where LibreOffice is installed."""
