package dev.titans4j.export.hf;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code rope_theta} and {@code rope_scaling} (or transformers 5's combined {@code rope_parameters}). */
record RopeSettings(double theta, RopeScaling scaling) {

    ModelConfig.RopeTable table() {
        return new ModelConfig.RopeTable(theta, scaling);
    }

    static RopeSettings read(JsonFile config) throws ModelConfigException {
        return read(config, 10000.0);
    }

    /** {@code defaultTheta}: the config class's {@code default_theta}, used when no file sets one. */
    static RopeSettings read(JsonFile config, double defaultTheta) throws ModelConfigException {
        JsonNode parameters = config.node("rope_parameters");
        JsonNode scaling = config.node("rope_scaling");
        double theta = config.optionalDouble("rope_theta", Double.NaN);
        String scalingKey = "rope_scaling";
        if ((scaling.isMissingNode() || scaling.isNull()) && parameters.isObject()) {
            scaling = parameters;
            scalingKey = "rope_parameters";
            if (Double.isNaN(theta) && parameters.path("rope_theta").isNumber()) {
                theta = parameters.get("rope_theta").doubleValue();
            }
        }
        if (Double.isNaN(theta)) {
            theta = defaultTheta;
        }
        if (!(theta > 0)) {
            throw config.error("rope_theta", "must be positive, found " + theta);
        }
        return new RopeSettings(theta, scaling(config, scalingKey, scaling));
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
        double theta = own.path("rope_theta").isNumber() ? own.get("rope_theta").doubleValue()
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
        String type = node.path("rope_type").asText(node.path("type").asText("default"));
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
        return v.doubleValue();
    }
}
