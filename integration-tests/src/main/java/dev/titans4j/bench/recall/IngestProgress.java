package dev.titans4j.bench.recall;

/** Receives ingest progress (turns added) of one memory's run. */
public interface IngestProgress {

    IngestProgress NONE = new IngestProgress() {
        @Override
        public void start(String memory, long totalTurns) {
        }

        @Override
        public void advance(long turns) {
        }

        @Override
        public void finish() {
        }
    };

    void start(String memory, long totalTurns);

    void advance(long turns);

    void finish();
}
