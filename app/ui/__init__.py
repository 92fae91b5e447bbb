"""The Streamlit UI: ``streamlit run app/ui/streamlit_app.py``.

The pages only lay out what ``app.services.KnowledgeBase`` returns; presentation helpers that turn
those values into text, HTML and tables live in ``format.py`` and are pure.
"""
