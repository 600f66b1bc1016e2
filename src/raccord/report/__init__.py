"""The therapist's workspace on paper: one session as a one-page report (HTML, PDF, Markdown).

``view.build`` turns the stored form of an analysis (``export.to_json`` and the transcript rows
the store keeps) into a ``SessionView``; ``plot`` draws its timeline with Plotly; ``document``
writes it as one self-contained HTML file, a PDF (headless Chromium's print) or Markdown. The web
dashboard (``raccord.web``) shows the same ``SessionView``: one reading of the analysis for both.
"""
