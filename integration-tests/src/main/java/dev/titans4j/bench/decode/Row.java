package dev.titans4j.bench.decode;

import dev.titans4j.export.manifest.ModelManifest.Precision;

/** One line of the result table: an engine on a shape, precision and thread count (measured or why not). */
record Row(ModelShape shape, String engine, Precision precision, int threads, Speed speed, long bytesPerToken,
           String note) {

    static Row measured(ModelShape shape, String engine, Precision precision, int threads, Speed speed,
                        long bytesPerToken) {
        return new Row(shape, engine, precision, threads, speed, bytesPerToken, "");
    }

    static Row failed(ModelShape shape, String engine, Precision precision, int threads, long bytesPerToken,
                      String why) {
        return new Row(shape, engine, precision, threads, null, bytesPerToken, why);
    }

    boolean isMeasured() {
        return speed != null;
    }
}
