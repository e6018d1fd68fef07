package io.jasyncio.examples.vectordb;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The obvious search, to check the store against: score everything, sort, cut. */
final class BruteForce {
    final Map<String, float[]> vectors = new LinkedHashMap<>();
    final Metric metric;

    BruteForce(Metric metric) {
        this.metric = metric;
    }

    List<Hit> search(float[] q, int k) {
        List<Hit> all = new ArrayList<>();
        vectors.forEach((id, v) -> all.add(new Hit(id, score(q, v))));
        Comparator<Hit> closer = metric.higherIsCloser()
                ? Comparator.comparingDouble(Hit::score).reversed()
                : Comparator.comparingDouble(Hit::score);
        all.sort(closer.thenComparing(Hit::id));
        return all.subList(0, Math.min(k, all.size()));
    }

    private double score(float[] q, float[] v) {
        double dot = 0, qq = 0, vv = 0, d2 = 0;
        for (int j = 0; j < q.length; j++) {
            dot += (double) q[j] * v[j];
            qq += (double) q[j] * q[j];
            vv += (double) v[j] * v[j];
            double d = (double) q[j] - v[j];
            d2 += d * d;
        }
        return switch (metric) {
            case DOT -> dot;
            case COSINE -> dot / (Math.sqrt(qq) * Math.sqrt(vv));
            case L2 -> Math.sqrt(d2);
        };
    }

    static float[] randomVector(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) v[j] = (float) rnd.nextGaussian();
        return v;
    }
}
