package io.jasyncio.examples.vectordb;

import java.util.List;

/**
 * The best {@code k} of a stream of scored ids, in O(n log k) time and O(k) memory: a binary heap on primitive
 * arrays whose root is the worst entry kept, so a newcomer either loses to the root at once (the common case)
 * or replaces it. "Better" means a higher {@code goodness}, then, on equal goodness, the smaller id (so results
 * do not depend on insertion order). Not thread-safe: one per search.
 */
final class TopK {
    private final int k;
    private final double[] goodness;
    private final String[] ids;
    private int size;

    TopK(int k) {
        this.k = k;
        goodness = new double[k];
        ids = new String[k];
    }

    /** Whether goodness {@code g} could still enter (a cheap test before the id is even looked at). */
    boolean mayEnter(double g) {
        return size < k || (k > 0 && g >= goodness[0]);
    }

    /** Offers {@code id} with goodness {@code g}. */
    void offer(String id, double g) {
        if (size < k) {
            set(size, id, g);
            siftUp(size++);
        } else if (k > 0 && better(g, id, goodness[0], ids[0])) {
            set(0, id, g);
            siftDown(0);
        }
    }

    /** Empties the heap into hits, best first; each score is {@code sign * goodness}. */
    List<Hit> drainBestFirst(double sign) {
        Hit[] out = new Hit[size];
        for (int i = size - 1; i >= 0; i--) { // the root is the worst: fill from the back
            out[i] = new Hit(ids[0], sign * goodness[0]);
            size--;
            if (size > 0) {
                set(0, ids[size], goodness[size]);
                siftDown(0);
            }
        }
        return List.of(out);
    }

    private static boolean better(double g1, String id1, double g2, String id2) {
        return g1 > g2 || (g1 == g2 && id1.compareTo(id2) < 0);
    }

    private void set(int i, String id, double g) {
        ids[i] = id;
        goodness[i] = g;
    }

    /** True if entry i is worse than entry j. */
    private boolean worse(int i, int j) {
        return better(goodness[j], ids[j], goodness[i], ids[i]);
    }

    private void swap(int i, int j) {
        String id = ids[i];
        double g = goodness[i];
        set(i, ids[j], goodness[j]);
        set(j, id, g);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!worse(i, parent)) return;
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int worst = i;
            if (l < size && worse(l, worst)) worst = l;
            if (r < size && worse(r, worst)) worst = r;
            if (worst == i) return;
            swap(i, worst);
            i = worst;
        }
    }
}
