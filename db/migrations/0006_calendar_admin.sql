CREATE TABLE "calendar_rollout_measures" (
	"rollout_id" uuid NOT NULL,
	"measure_id" uuid NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"moved" boolean NOT NULL,
	"calendar_gap_years" integer[] DEFAULT '{}' NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_rollout_measures_rollout_id_measure_id_pk" PRIMARY KEY("rollout_id","measure_id")
);
--> statement-breakpoint
CREATE TABLE "calendar_rollouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"change" text NOT NULL,
	"years" integer[] NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"cursor" uuid,
	"measures_done" integer DEFAULT 0 NOT NULL,
	"measures_moved" integer DEFAULT 0 NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "list_entries" ADD COLUMN "calendar_gap_years" integer[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "calendar_days" ADD COLUMN "updated_by" text;--> statement-breakpoint
ALTER TABLE "calendar_years" ADD COLUMN "updated_by" text;--> statement-breakpoint
ALTER TABLE "calendar_rollout_measures" ADD CONSTRAINT "calendar_rollout_measures_rollout_id_calendar_rollouts_id_fk" FOREIGN KEY ("rollout_id") REFERENCES "public"."calendar_rollouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_rollout_measures" ADD CONSTRAINT "calendar_rollout_measures_measure_id_measures_id_fk" FOREIGN KEY ("measure_id") REFERENCES "public"."measures"("id") ON DELETE cascade ON UPDATE no action;