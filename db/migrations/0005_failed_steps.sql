CREATE TYPE "public"."failed_step_status" AS ENUM('open', 'replayed', 'discarded');--> statement-breakpoint
CREATE TABLE "failed_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"measure_id" text NOT NULL,
	"seq" integer NOT NULL,
	"action" text NOT NULL,
	"payload" text NOT NULL,
	"error_code" text NOT NULL,
	"error_message" text NOT NULL,
	"failures" integer DEFAULT 1 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" "failed_step_status" DEFAULT 'open' NOT NULL,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"resolution" text,
	CONSTRAINT "failed_steps_workflow_id_seq_unique" UNIQUE("workflow_id","seq")
);
--> statement-breakpoint
ALTER TABLE "failed_steps" ADD CONSTRAINT "failed_steps_resolved_by_people_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "failed_steps_status_first_seen_at_index" ON "failed_steps" USING btree ("status","first_seen_at");