package validator

// feedbackPayload is a valid customer feedback template (PLATFORM.md §2.7).
const feedbackPayload = `{"template_type":"customer_feedback","title":"Rate your experience","subtitle":"Let us know how we did","button_title":"Rate","feedback_screens":[{"questions":[{"id":"myquestion1","type":"csat","title":"How would you rate our service?","score_label":"neg_pos","score_option":"five_stars","follow_up":{"type":"free_form","placeholder":"Give additional feedback"}}]}],"business_privacy":{"url":"https://www.example.com"},"expires_in_days":3}`

// feedbackMessage is a message object holding feedbackPayload.
const feedbackMessage = `{"attachment":{"type":"template","payload":` + feedbackPayload + `}}`
