"""HTML fragments: the Go and Python highlighter, excerpt cards, page-independent links, diagrams. No writes."""
