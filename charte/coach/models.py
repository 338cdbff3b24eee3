# The coach stores nothing: its suggestions are computed when asked, and objections to it are
# kept by the rights engine (charte.subject_requests), where every objection lives.
