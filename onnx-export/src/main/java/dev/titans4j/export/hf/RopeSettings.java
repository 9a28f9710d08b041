package dev.titans4j.export.hf;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code rope_theta} and {@code rope_scaling} (or transformers 5's combined {@code rope_parameters}): llama3 scaling,
 * or, for a family that reads it ({@link LongRopeShape}), Phi-3's longrope.
 */
record RopeSettings(double theta, RopeScaling scaling, LongRope longRope) {

    /** What reading a longrope object needs: rotary dim, max_position_embeddings and the switch length. */
    record LongRopeShape(int rotaryDim, int maxPositions, int originalMax) {
    }

    ModelConfig.RopeTable table() {
        return new ModelConfig.RopeTable(theta, scaling, longRope);
    }

    /** {@code defaultTheta}: the config class's {@code default_theta}, used when no file sets one. */
    static RopeSettings read(JsonFile config, double defaultTheta) throws ModelConfigException {
        return read(config, defaultTheta, null);
    }

    /**
     * {@code longRope}: the shape of a longrope table for a family whose config class accepts one (Phi3Config, which
     * also renames the old types "su" and "yarn" to longrope and refuses every other type but "default"); null
     * elsewhere, where longrope is refused like any type but llama3.
     */
    static RopeSettings read(JsonFile config, double defaultTheta, LongRopeShape longRope)
            throws ModelConfigException {
        String key = scalingKey(config);
        JsonNode scaling = key == null ? config.node("rope_scaling") : config.node(key);
        double theta = config.optionalDouble("rope_theta", Double.NaN);
        if ("rope_parameters".equals(key) && Double.isNaN(theta) && scaling.path("rope_theta").isNumber()) {
            theta = finiteTheta(config, scaling.get("rope_theta"));
        }
        if (Double.isNaN(theta)) {
            theta = defaultTheta;
        }
        if (!(theta > 0)) {
            throw config.error("rope_theta", "must be positive, found " + theta);
        }
        if (longRope != null && scaling.isObject()) {
            String type = type(scaling);
            if (type.equals("su") || type.equals("yarn") || type.equals(LongRope.TYPE)) {
                return new RopeSettings(theta, null, LongRope.read(config, key, scaling, longRope.rotaryDim(),
                        longRope.maxPositions(), longRope.originalMax()));
            }
            if (!type.equals("default")) {
                throw config.error(key, "type '" + type + "' is not supported (supported: longrope, or none)");
            }
        }
        return new RopeSettings(theta, scaling(config, key == null ? "rope_scaling" : key, scaling), null);
    }

    /**
     * The rotating part of each head: {@code int(head_dim * partial_rotary_factor)}, the factor read from the rope
     * object first and then the top level of config.json (transformers' {@code setdefault} order), default 1.
     */
    static int rotaryDim(JsonFile config, int headDim) throws ModelConfigException {
        String key = scalingKey(config);
        JsonNode inside = key == null ? null : config.node(key).path("partial_rotary_factor");
        double factor = inside != null && inside.isNumber() ? inside.doubleValue()
                : config.optionalDouble("partial_rotary_factor", 1.0);
        int rotaryDim = (int) (headDim * factor);
        if (!(factor > 0 && factor <= 1) || rotaryDim < 2 || rotaryDim % 2 != 0) {
            throw config.error("partial_rotary_factor", factor + " of head_dim " + headDim + " gives rotary dim "
                    + rotaryDim + "; it must be in (0, 1] and give an even rotary dim of at least 2");
        }
        return rotaryDim;
    }

    /** The key of the rope object: rope_scaling when it is set, else rope_parameters when that is an object. */
    private static String scalingKey(JsonFile config) {
        JsonNode scaling = config.node("rope_scaling");
        if (!scaling.isMissingNode() && !scaling.isNull()) {
            return "rope_scaling";
        }
        return config.node("rope_parameters").isObject() ? "rope_parameters" : null;
    }

    private static String type(JsonNode node) {
        return node.path("rope_type").asText(node.path("type").asText("default"));
    }

    /**
     * The table of one layer type of a model with RoPE per layer type (Gemma 3), as {@code Gemma3TextConfig
     * .convert_rope_params_to_dict} builds it: {@code rope_parameters[layerType]} (transformers 5), else the
     * legacy key {@code thetaKey} (or {@code defaultTheta}); {@code rope_scaling}, when set, updates the table only
     * where {@code takesRopeScaling} (transformers: the full-attention one).
     */
    static ModelConfig.RopeTable forLayerType(JsonFile config, String layerType, String thetaKey,
                                              double defaultTheta, boolean takesRopeScaling)
            throws ModelConfigException {
        JsonNode own = config.node("rope_parameters").path(layerType);
        String key = "rope_parameters." + layerType;
        double theta = own.path("rope_theta").isNumber() ? finiteTheta(config, own.get("rope_theta"))
                : config.optionalDouble(thetaKey, defaultTheta);
        if (!(theta > 0)) {
            throw config.error(own.path("rope_theta").isNumber() ? key : thetaKey, "must be positive, found "
                    + theta);
        }
        JsonNode scaling = own;
        JsonNode legacy = config.node("rope_scaling");
        if (takesRopeScaling && legacy.isObject()) {
            scaling = legacy;
            key = "rope_scaling";
        }
        return new ModelConfig.RopeTable(theta, scaling(config, key, scaling));
    }

    private static RopeScaling scaling(JsonFile config, String key, JsonNode node) throws ModelConfigException {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw config.error(key, "must be an object or null, found " + node);
        }
        String type = type(node);
        if (type.equals("default")) {
            return null;
        }
        if (type.equals(RopeScaling.LINEAR)) {
            double factor = number(config, key, node, "factor", type);
            if (!(factor > 0)) {
                throw config.error(key, "linear needs factor > 0; found " + node);
            }
            return RopeScaling.linear(factor);
        }
        if (!type.equals(RopeScaling.LLAMA3)) {
            throw config.error(key, "type '" + type + "' is not supported (supported: llama3, linear, or none)");
        }
        double factor = number(config, key, node, "factor", type);
        double low = number(config, key, node, "low_freq_factor", type);
        double high = number(config, key, node, "high_freq_factor", type);
        double original = number(config, key, node, "original_max_position_embeddings", type);
        if (!(factor > 0) || !(low > 0) || !(high > low) || !(original >= 1) || original != Math.rint(original)) {
            throw config.error(key, "llama3 needs factor > 0, 0 < low_freq_factor < high_freq_factor and an"
                    + " integer original_max_position_embeddings; found " + node);
        }
        return RopeScaling.llama3(factor, low, high, (int) original);
    }

    private static double number(JsonFile config, String key, JsonNode node, String field, String type)
            throws ModelConfigException {
        JsonNode v = node.path(field);
        if (!v.isNumber()) {
            throw config.error(key, type + " scaling is missing the number '" + field + "'");
        }
        if (!Double.isFinite(v.doubleValue())) { // 1e400 parses as infinity
            throw config.error(key, type + " scaling has a non-finite '" + field + "': " + v.doubleValue());
        }
        return v.doubleValue();
    }

    /** A rope object's rope_theta (1e400 parses as infinity, which the manifest cannot record). */
    private static double finiteTheta(JsonFile config, JsonNode v) throws ModelConfigException {
        if (!Double.isFinite(v.doubleValue())) {
            throw config.error("rope_theta", "must be a finite number, found " + v.doubleValue());
        }
        return v.doubleValue();
    }
}
