package io.dynamosync.api.v1alpha1;

/** A query lambda's status: empty, since nothing reconciles a query lambda; the query front reads its spec. */
public class QueryLambdaStatus {}
