package dev.titans4j.export.hf;

/**
 * {@code rope_scaling} of {@code config.json}: the {@code llama3} rule (Llama 3.1/3.2) divides the low rotary
 * frequencies by {@code factor}, keeps the high ones and interpolates between them; {@code linear} (Gemma 3 4B+ on
 * its full-attention layers) divides every frequency by {@code factor} (the other fields are 0).
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositionEmbeddings) {

    public static final String LLAMA3 = "llama3";
    public static final String LINEAR = "linear";

    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor,
            int originalMaxPositionEmbeddings) {
        return new RopeScaling(LLAMA3, factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings);
    }

    public static RopeScaling linear(double factor) {
        return new RopeScaling(LINEAR, factor, 0, 0, 0);
    }

    /**
     * Applies this scaling to unscaled inverse frequencies {@code 1/theta^(2i/d)}, as transformers'
     * {@code _compute_llama3_parameters} and {@code _compute_linear_scaling_rope_parameters} do.
     */
    public double[] apply(double[] inverseFrequencies) {
        if (type.equals(LINEAR)) {
            double[] scaled = new double[inverseFrequencies.length];
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] = inverseFrequencies[i] / factor;
            }
            return scaled;
        }
        double lowFreqWavelength = originalMaxPositionEmbeddings / lowFreqFactor;
        double highFreqWavelength = originalMaxPositionEmbeddings / highFreqFactor;
        double[] scaled = new double[inverseFrequencies.length];
        for (int i = 0; i < scaled.length; i++) {
            double freq = inverseFrequencies[i];
            double wavelength = 2 * Math.PI / freq;
            if (wavelength < highFreqWavelength) {
                scaled[i] = freq;
            } else if (wavelength > lowFreqWavelength) {
                scaled[i] = freq / factor;
            } else {
                double smooth = (originalMaxPositionEmbeddings / wavelength - lowFreqFactor)
                        / (highFreqFactor - lowFreqFactor);
                scaled[i] = (1 - smooth) * freq / factor + smooth * freq;
            }
        }
        return scaled;
    }
}
