ALTER TABLE "policies" ADD COLUMN "import_fingerprint" text;--> statement-breakpoint
CREATE INDEX "policies_import_fingerprint_idx" ON "policies" USING btree ("import_fingerprint");