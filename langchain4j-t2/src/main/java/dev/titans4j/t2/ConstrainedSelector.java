package dev.titans4j.t2;

import dev.titans4j.t2.constrain.ConstrainedDecoder;
import dev.titans4j.t2.engine.TokenSelector;

/**
 * Token selection under a grammar: disallowed tokens get negative infinity before the sampler sees the logits, and
 * the chosen token advances the grammar. Once the output is finished (nothing may follow) {@link #finished()} is
 * true and the generator stops without another model run. The decoder also gets the tokens left of the request's
 * budget, so the output closes in time instead of being cut off invalid.
 */
final class ConstrainedSelector implements TokenSelector {

    private final ConstrainedDecoder decoder;
    private final TokenSelector sampler;
    private final int endOfSequence;
    private int tokensLeft;

    ConstrainedSelector(ConstrainedDecoder decoder, TokenSelector sampler, int endOfSequence, int maxOutputTokens) {
        this.decoder = decoder;
        this.sampler = sampler;
        this.endOfSequence = endOfSequence;
        this.tokensLeft = maxOutputTokens;
    }

    @Override
    public boolean shortenedToFit() {
        return decoder.shortenedToFit();
    }

    @Override
    public boolean finished() {
        return decoder.isFinished();
    }

    @Override
    public int select(float[] logits) {
        if (decoder.isFinished()) {
            return endOfSequence; // only for a caller that ignores finished(); the Generator never gets here
        }
        decoder.maskLogits(logits, Math.max(tokensLeft--, 1));
        int token = sampler.select(logits);
        decoder.accept(token);
        return token;
    }
}
