/** Where feedback comes from: the feedback use case reads these, infra routes them to it. */
export const SES_SOURCE = "aws.ses";
export const SMS_VOICE_SOURCE = "aws.sms-voice";
export const FEEDBACK_SOURCES = [SES_SOURCE, SMS_VOICE_SOURCE];

/** The SES event-publishing detail-types of the events the configuration set publishes. */
export const SES_FEEDBACK_DETAIL_TYPES = [
  "Email Bounced",
  "Email Complaint Received",
  "Email Delivered",
  "Email Opened",
  "Email Clicked",
  "Email Rejected",
];
/** AWS End User Messaging SMS reports delivery outcomes, opt-outs included, with this detail-type. */
export const SMS_FEEDBACK_DETAIL_TYPES = ["Text Message Delivery Status Updated"];
