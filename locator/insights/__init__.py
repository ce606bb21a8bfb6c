"""Search insights (issue 12): public searches recorded without personal data, and what the channel team and
partners read from them. recorder: the request-path hand-off and the batch writer; queries: the reports;
seed: a generated demo stream."""
