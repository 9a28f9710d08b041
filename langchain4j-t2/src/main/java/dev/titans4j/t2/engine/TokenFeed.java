package dev.titans4j.t2.engine;

import java.util.function.BooleanSupplier;

/**
 * Where the {@link Generator} feeds each chosen token back after the prompt: the request's own
 * {@link DecoderSession}, or its row of a {@link DecodeBatch} shared with concurrent requests.
 */
interface TokenFeed {

    /**
     * Feeds one generated token and returns the logits for the next one; null when {@code cancelled} turned true
     * while the token waited for a batch step (the request then ends as cancelled without it being fed).
     */
    float[] decode(int token, BooleanSupplier cancelled);

    /** Positions written so far. */
    int position();

    /** Positions the request may use in total. */
    int capacity();

    /** Ends the request's decoding; {@code keepPrefix}: offer its sequence to the model's prefix cache. */
    void finish(boolean keepPrefix);

    /** A request decoding alone in its session. */
    static TokenFeed of(DecoderSession session) {
        return new TokenFeed() {
            @Override
            public float[] decode(int token, BooleanSupplier cancelled) {
                return session.decode(token);
            }

            @Override
            public int position() {
                return session.position();
            }

            @Override
            public int capacity() {
                return session.capacity();
            }

            @Override
            public void finish(boolean keepPrefix) {
                if (keepPrefix) {
                    session.keepPrefix();
                }
            }
        };
    }
}
