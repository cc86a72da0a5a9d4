"""The ground floor every stage stands on: normalised shadow text, spans and breaks, numbers,
word segmentation. Nothing here knows about a pipeline stage."""
