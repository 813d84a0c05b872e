package io.dynamosync.api.v1alpha1;

/** The status of a query lambda or a view: empty, since nothing reconciles them; the query front reads their spec. */
public class EmptyStatus {}
