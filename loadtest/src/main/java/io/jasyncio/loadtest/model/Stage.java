package io.jasyncio.loadtest.model;

/**
 * One stage of a ramp (k6's {@code stages}): over {@code seconds}, move linearly from the previous stage's
 * target (or the model's start value) to {@code target} — virtual users in the closed model, arrivals per
 * second in the open one.
 *
 * <p>Threading: immutable.
 *
 * @param seconds how long the stage lasts, in seconds (above 0, at most a day)
 * @param target users (closed model) or arrivals per second (open model) at the stage's end
 */
public record Stage(double seconds, double target) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException a duration not above 0 or over a day, or a negative or infinite target
     */
    public Stage {
        if (!(seconds > 0) || seconds > LoadModel.MAX_SECONDS) {
            throw new IllegalArgumentException("a stage lasts more than 0 s and at most " + (long) LoadModel.MAX_SECONDS
                    + " s, got " + seconds);
        }
        if (!(target >= 0) || Double.isInfinite(target)) {
            throw new IllegalArgumentException("a stage's target is 0 or more, got " + target);
        }
    }

    /**
     * Parses {@code DURATION:TARGET[,DURATION:TARGET...]}, e.g. {@code 10s:100,30s:100,10s:0} (durations as
     * {@link Durations#parseSeconds}).
     *
     * @param text the stages, comma-separated
     * @return the stages, in order
     * @throws IllegalArgumentException a part is not {@code DURATION:TARGET}, or a value is out of range
     */
    public static java.util.List<Stage> parseList(String text) {
        java.util.List<Stage> stages = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            int colon = part.indexOf(':');
            if (colon < 1 || colon == part.length() - 1) {
                throw new IllegalArgumentException("a stage is DURATION:TARGET (e.g. 30s:100), got '" + part.strip() + "'");
            }
            double seconds = Durations.parseSeconds(part.substring(0, colon).strip());
            double target;
            try {
                target = Double.parseDouble(part.substring(colon + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a stage's target is a number, got '" + part.substring(colon + 1).strip() + "'");
            }
            stages.add(new Stage(seconds, target));
        }
        return stages;
    }
}
