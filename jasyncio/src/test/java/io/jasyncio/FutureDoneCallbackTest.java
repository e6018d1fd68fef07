package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Ports of test_futures.py::BaseFutureDoneCallbackTests. */
class FutureDoneCallbackTest extends LoopTestBase {

    private static Consumer<Future<String>> makeCallback(List<Object> bag, Object thing) {
        return f -> bag.add(thing);
    }

    // ports test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_first_callback
    @Test
    void callbacksRemoveFirstCallback() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        var cb1 = makeCallback(bag, 42);
        var cb2 = makeCallback(bag, 17);
        var cb3 = makeCallback(bag, 100);
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        f.addDoneCallback(cb3);
        f.removeDoneCallback(cb1);
        f.removeDoneCallback(cb1);
        assertEquals(List.of(), bag);
        f.setResult("foo");
        runBriefly();
        assertEquals(List.of(17, 100), bag);
        assertEquals("foo", f.result());
    }

    // ports test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_first_and_second_callback
    @Test
    void callbacksRemoveFirstAndSecondCallback() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        var cb1 = makeCallback(bag, 42);
        var cb2 = makeCallback(bag, 17);
        var cb3 = makeCallback(bag, 100);
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        f.addDoneCallback(cb3);
        f.removeDoneCallback(cb1);
        f.removeDoneCallback(cb2);
        f.removeDoneCallback(cb1);
        assertEquals(List.of(), bag);
        f.setResult("foo");
        runBriefly();
        assertEquals(List.of(100), bag);
        assertEquals("foo", f.result());
    }

    // ports test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_third_callback
    @Test
    void callbacksRemoveThirdCallback() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        var cb1 = makeCallback(bag, 42);
        var cb2 = makeCallback(bag, 17);
        var cb3 = makeCallback(bag, 100);
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        f.addDoneCallback(cb3);
        f.removeDoneCallback(cb3);
        f.removeDoneCallback(cb3);
        assertEquals(List.of(), bag);
        f.setResult("foo");
        runBriefly();
        assertEquals(List.of(42, 17), bag);
        assertEquals("foo", f.result());
    }

    // ports test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_invoked_on_set_result
    @Test
    void callbacksInvokedOnSetResult() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(makeCallback(bag, 42));
        f.addDoneCallback(makeCallback(bag, 17));
        assertEquals(List.of(), bag);
        f.setResult("foo");
        assertEquals(List.of(), bag, "callbacks are scheduled with callSoon, never run inline");
        runBriefly();
        assertEquals(List.of(42, 17), bag);
        assertEquals("foo", f.result());
    }

    // ports test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_invoked_on_set_exception
    @Test
    void callbacksInvokedOnSetException() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(makeCallback(bag, 100));
        assertEquals(List.of(), bag);
        RuntimeException exc = new RuntimeException();
        f.setException(exc);
        runBriefly();
        assertEquals(List.of(100), bag);
        assertSame(exc, f.exception());
    }

    // ports test_futures.py::BaseFutureDoneCallbackTests::test_remove_done_callback
    @Test
    void removeDoneCallback() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        var cb1 = makeCallback(bag, 1);
        var cb2 = makeCallback(bag, 2);
        var cb3 = makeCallback(bag, 3);
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        assertEquals(1, f.removeDoneCallback(cb2));
        assertEquals(0, f.removeDoneCallback(cb3));
        f.addDoneCallback(cb2);
        for (int i = 0; i < 5; i++) f.addDoneCallback(cb1);
        assertEquals(6, f.removeDoneCallback(cb1));
        assertEquals(List.of(), bag);
        f.setResult("foo");
        runBriefly();
        assertEquals(List.of(2), bag);
        assertEquals("foo", f.result());
    }

    // ports test_futures.py::BaseFutureDoneCallbackTests::test_schedule_callbacks_list_mutation_1
    @Test
    void scheduleCallbacksListMutation1() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> str = makeCallback(bag, "str");
        f.addDoneCallback(x -> {
            bag.add("mut");
            x.removeDoneCallback(str);
        });
        f.addDoneCallback(str);
        f.addDoneCallback(str);
        f.setResult("1");
        runBriefly();
        // Removing after they were scheduled does not unschedule them.
        assertEquals(List.of("mut", "str", "str"), bag);
    }

    // ports test_futures.py::BaseFutureDoneCallbackTests::test_remove_done_callbacks_list_clear
    @Test
    void removeDoneCallbacksListClear() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(makeCallback(bag, "str"));
        Consumer<Future<String>> id = makeCallback(bag, "id");
        for (int i = 0; i < 63; i++) f.addDoneCallback(id);
        // Compared with each registration, Evil removes that registration meanwhile.
        Consumer<Future<String>> evil = new Consumer<>() {
            @Override public void accept(Future<String> x) {}
            @Override public boolean equals(Object other) {
                @SuppressWarnings("unchecked")
                Consumer<Future<String>> c = (Consumer<Future<String>>) other;
                f.removeDoneCallback(c);
                return false;
            }
            @Override public int hashCode() { return 0; }
        };
        assertEquals(0, f.removeDoneCallback(evil));
        f.setResult("x");
        runBriefly(); // no crash, whatever survived runs
    }

    @Test
    void removeDoneCallbacksManyRegistrations() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> first = makeCallback(bag, "first");
        Consumer<Future<String>> id = makeCallback(bag, "id");
        f.addDoneCallback(first);
        for (int i = 0; i < 63; i++) f.addDoneCallback(id);
        assertEquals(63, f.removeDoneCallback(id));
        assertEquals(0, f.removeDoneCallback(id));
        f.setResult("x");
        runBriefly();
        assertEquals(List.of("first"), bag);
    }

    /** A callback whose equals() runs {@code onEquals}: Python's "evil" __eq__ that mutates the list. */
    private static final class Evil implements Consumer<Future<String>> {
        private final Runnable onEquals;

        Evil(Runnable onEquals) {
            this.onEquals = onEquals;
        }

        @Override
        public void accept(Future<String> f) {}

        @Override
        public boolean equals(Object other) {
            onEquals.run();
            return false;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    // ports test_futures.py::BaseFutureDoneCallbackTests::test_remove_done_callbacks_list_mutation
    @Test
    void removeDoneCallbacksListMutation() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> id = makeCallback(bag, "id");
        f.addDoneCallback(makeCallback(bag, "str"));
        for (int i = 0; i < 63; i++) f.addDoneCallback(id);
        // Evil is compared with every registration, and removes some while that comparison runs.
        assertEquals(0, f.removeDoneCallback(new Evil(() -> f.removeDoneCallback(id))));
        f.setResult("x");
        runBriefly();
        assertEquals("str", bag.get(0));
    }

    // ports test_futures.py::BaseFutureDoneCallbackTests::test_schedule_callbacks_list_mutation_2
    @Test
    void scheduleCallbacksListMutation2() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> id = makeCallback(bag, "id");
        f.addDoneCallback(makeCallback(bag, "str"));
        for (int i = 0; i < 63; i++) f.addDoneCallback(id);
        int[] extra = {0};
        // Evil is compared with every registration, and adds more while that comparison runs.
        assertEquals(0, f.removeDoneCallback(new Evil(() -> {
            if (++extra[0] < 100) f.addDoneCallback(id);
        })));
        f.setResult("x");
        runBriefly();
        assertEquals("str", bag.get(0));
        assertTrue(bag.size() >= 64, "no registration was lost: " + bag.size());
    }

    // ---- our own ----

    @Test
    void callbackAddedAfterDoneIsScheduledNotRunInline() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.setResult("x");
        f.addDoneCallback(makeCallback(bag, 1));
        assertEquals(List.of(), bag);
        runBriefly();
        assertEquals(List.of(1), bag);
    }

    @Test
    void callbacksRunOnCancel() {
        List<Object> bag = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(x -> bag.add(x.cancelled()));
        f.cancel();
        runBriefly();
        assertEquals(List.of(true), bag);
    }

    @Test
    void exceptionInDoneCallbackGoesToTheHandler() {
        Future<String> f = loop.createFuture();
        IllegalStateException boom = new IllegalStateException("boom");
        f.addDoneCallback(x -> { throw boom; });
        f.setResult("x");
        runBriefly();
        assertEquals(1, handled.size());
        assertTrue(handled.get(0).message().startsWith("Exception in callback"), handled.get(0).message());
        assertSame(boom, handled.get(0).exception());
        assertNotNull(handled.get(0).handle());
    }

    @Test
    void addNullCallbackFails() {
        Future<String> f = loop.createFuture();
        assertThrows(NullPointerException.class, () -> f.addDoneCallback(null));
    }
}
