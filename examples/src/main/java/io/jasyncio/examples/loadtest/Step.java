package io.jasyncio.examples.loadtest;

/** The steps of a virtual user's round: connect (when not connected), {@code query}, {@code run_single_task}. */
public enum Step { CONNECT, QUERY, RUN_SINGLE_TASK }
