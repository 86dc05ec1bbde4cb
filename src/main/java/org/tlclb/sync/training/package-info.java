/**
 * The training run: a short, self-contained push to an embedded node on loopback, run by the launcher
 * ({@code TLCLB_CDS=rebuild}) so the JVM can record the classes a sync loads into a class-data archive
 * (CDS on Java 17 to 24, the AOT cache of JEP 483/514 on Java 25 and later) that every later run maps
 * instead of loading and linking them again.
 */
package org.tlclb.sync.training;
